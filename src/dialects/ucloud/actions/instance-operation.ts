import { Type } from '@sinclair/typebox';
import type { ErrorCode } from '../../../core/errors.ts';
import type { Product } from '../../../core/products.ts';
import { defineAction } from '../action.ts';
import { str } from '../protocol/param-schema.ts';
import { requireRegion, zoneIn } from './region.ts';

type Operation = 'start' | 'stop' | 'reboot' | 'terminate';

const summaries: Record<Operation, string> = {
  start: 'Starts a stopped host.',
  stop: 'Stops a running host.',
  reboot: 'Reboots a running host.',
  terminate: 'Deletes a host and its disks.',
};

const errorsOf: Record<Operation, readonly ErrorCode[]> = {
  start: ['InstanceNotFound', 'InstanceNotStopped', 'InstanceBusy'],
  stop: ['InstanceNotFound', 'InstanceNotRunning', 'InstanceBusy'],
  reboot: ['InstanceNotFound', 'InstanceNotRunning', 'InstanceBusy'],
  terminate: ['InstanceNotFound', 'InstanceBusy'],
};

/**
 * Start/Stop/Reboot/Terminate actions share one shape: `UHostId` in, `UHostId` out.
 * UHost pages make `Zone` optional; CompShare pages require it.
 */
export function instanceOperation(name: string, product: Product, operation: Operation, opts: { zoneRequired: boolean }) {
  return defineAction({
    name,
    product,
    summary: summaries[operation],
    params: {
      Region: str({ required: true }),
      // Required on the CompShare pages, optional on the UHost ones.
      Zone: opts.zoneRequired ? str({ required: true }) : str(),
      UHostId: str({ required: true }),
      DiskPassword: str(), // StartUHostInstance: encrypted disks; accepted, the local driver has none
    },
    answer: { UHostId: Type.String() },
    errors: ['RegionNotFound', 'ZoneNotFound', ...errorsOf[operation]],
    async handle({ services, principal }, p) {
      const region = requireRegion(services.config, p.Region);
      if (p.Zone !== undefined) zoneIn(region, p.Zone);
      await services.instances[operation](principal, product, p.UHostId);
      return { UHostId: p.UHostId };
    },
  });
}
