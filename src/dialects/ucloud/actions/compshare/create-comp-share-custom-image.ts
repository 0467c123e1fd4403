import { Type } from '@sinclair/typebox';
import { defineAction } from '../../action.ts';
import { emptySoftwares } from '../../models/compshare-attributes.ts';
import { str } from '../../protocol/param-schema.ts';
import { softwaresFrom, softwaresParams } from './softwares-param.ts';
import { requireZone } from './zone.ts';

export const CreateCompShareCustomImage = defineAction({
  name: 'CreateCompShareCustomImage',
  product: 'compshare',
  summary: 'Captures a stopped GPU host into a custom image; poll GetCompShareImageCreateProgress or DescribeCompShareCustomImages.',
  params: {
    Region: str({ required: true }),
    Zone: str({ required: true }),
    UHostId: str({ required: true, doc: 'the host to capture; it must be Stopped' }),
    Name: str({ required: true, maxLength: 63, doc: "unique among the account's images" }),
    Description: str({ maxLength: 255, multiline: true }),
    ...softwaresParams,
  },
  answer: { CompShareImageId: Type.String() },
  errors: ['RegionNotFound', 'ZoneNotFound', 'InstanceNotFound', 'InstanceNotStopped', 'InstanceBusy', 'NameTaken', 'QuotaExceeded'],
  async handle({ services, principal }, p) {
    requireZone(services.config, p.Region, p.Zone);
    const softwares = { ...emptySoftwares, ...softwaresFrom(p) };
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
