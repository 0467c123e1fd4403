import type { Product } from '../../../core/products.ts';
import { defineAction } from '../action.ts';
import { ParamError, str } from '../protocol/param-schema.ts';
import { requireRegion, zoneIn } from './region.ts';

type Operation = 'start' | 'stop' | 'reboot' | 'terminate';

/**
 * Start/Stop/Reboot/Terminate actions share one shape: `UHostId` in, `UHostId` out.
 * UHost pages make `Zone` optional; CompShare pages require it.
 */
export function instanceOperation(name: string, product: Product, operation: Operation, opts: { zoneRequired: boolean }) {
  return defineAction({
    name,
    params: {
      Region: str({ required: true }),
      Zone: str(),
      UHostId: str({ required: true }),
      DiskPassword: str(), // StartUHostInstance: encrypted disks; accepted, the local driver has none
    },
    async handle({ services, principal }, p) {
      const region = requireRegion(services.config, p.Region);
      if (p.Zone === undefined && opts.zoneRequired) {
        throw new ParamError('Zone', 'missing');
      }
      if (p.Zone !== undefined) zoneIn(region, p.Zone);
      await services.instances[operation](principal, product, p.UHostId);
      return { UHostId: p.UHostId };
    },
  });
}
