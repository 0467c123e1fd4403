import { defineAction } from '../../action.ts';
import { emptySoftwares } from '../../models/compshare-attributes.ts';
import { str } from '../../protocol/param-schema.ts';
import { readSoftwaresParam } from './softwares-param.ts';
import { requireZone } from './zone.ts';

export const CreateCompShareCustomImage = defineAction({
  name: 'CreateCompShareCustomImage',
  params: {
    Region: str({ required: true }),
    Zone: str({ required: true }),
    UHostId: str({ required: true }),
    Name: str({ required: true, maxLength: 63 }),
    Description: str({ maxLength: 255 }),
  },
  async handle({ services, principal, flat }, p) {
    requireZone(services.config, p.Region, p.Zone);
    const softwares = { ...emptySoftwares, ...readSoftwaresParam(flat) };
    // The GPU model of the source instance (SourceGpuType) is recorded by core at capture.
    const { image } = await services.images.capture(principal, 'compshare', {
      instanceId: p.UHostId,
      name: p.Name,
      description: p.Description,
      attributes: { softwares },
    });
    return { CompShareImageId: image.id };
  },
});
