import { Type } from '@sinclair/typebox';
import { defineAction } from '../../action.ts';
import { str, strArray } from '../../protocol/param-schema.ts';
import { requireRegion } from '../region.ts';

export const CreateCustomImage = defineAction({
  name: 'CreateCustomImage',
  product: 'uhost',
  summary: 'Captures a stopped host (and optionally its data disks) into a custom image; poll DescribeImage until State is Available.',
  params: {
    Region: str({ required: true }),
    Zone: str(),
    UHostId: str({ required: true, doc: 'the host to capture; it must be Stopped' }),
    ImageName: str({ required: true, maxLength: 63 }),
    ImageDescription: str({ maxLength: 255, multiline: true }),
    DataUDiskIds: strArray({ maxItems: 16, doc: 'data disks to snapshot alongside' }),
  },
  answer: { ImageId: Type.String(), DataSnapshotIds: Type.Array(Type.String()) },
  errors: ['RegionNotFound', 'InstanceNotFound', 'InstanceNotStopped', 'InstanceBusy', 'DiskNotFound', 'QuotaExceeded'],
  async handle({ services, principal }, p) {
    requireRegion(services.config, p.Region);
    const { image, snapshots } = await services.images.capture(principal, 'uhost', {
      instanceId: p.UHostId,
      name: p.ImageName,
      description: p.ImageDescription,
      dataDiskIds: p.DataUDiskIds,
    });
    return { ImageId: image.id, DataSnapshotIds: snapshots.map((s) => s.id) };
  },
});
