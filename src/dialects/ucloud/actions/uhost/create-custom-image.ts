import { defineAction } from '../../action.ts';
import { str, strArray } from '../../protocol/param-schema.ts';
import { requireRegion } from '../region.ts';

export const CreateCustomImage = defineAction({
  name: 'CreateCustomImage',
  params: {
    Region: str({ required: true }),
    Zone: str(),
    UHostId: str({ required: true }),
    ImageName: str({ required: true, maxLength: 63 }),
    ImageDescription: str({ maxLength: 255 }),
    DataUDiskIds: strArray({ maxItems: 16 }),
  },
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
