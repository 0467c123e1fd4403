import { Type } from '@sinclair/typebox';
import { defineAction } from '../../action.ts';
import { str } from '../../protocol/param-schema.ts';
import { requireZone } from './zone.ts';

export const ReinstallCompShareInstance = defineAction({
  name: 'ReinstallCompShareInstance',
  product: 'compshare',
  summary: 'Gives a stopped GPU host a new system disk from an official, own or community image; Installing until written, then Running.',
  params: {
    Region: str({ required: true }),
    Zone: str({ required: true }),
    UHostId: str({ required: true }),
    CompShareImageId: str({ required: true }),
    Password: str({ maxLength: 256, doc: 'the new password; the old one stays when absent' }),
  },
  answer: { UHostId: Type.String() },
  errors: [
    'RegionNotFound',
    'ZoneNotFound',
    'InstanceNotFound',
    'InstanceNotStopped',
    'InstanceBusy',
    'ImageNotFound',
    'ImageNotAvailable',
    'InvalidParameter',
    'DiskQuotaExceeded',
  ],
  async handle({ services, principal }, p) {
    requireZone(services.config, p.Region, p.Zone);
    // The page keeps no data-disk choice: data disks stay, as UHost's default ReserveDisk=Yes does.
    await services.instances.reinstall(principal, 'compshare', { instanceId: p.UHostId, imageId: p.CompShareImageId, keepDataDisks: true });
    return { UHostId: p.UHostId };
  },
});
