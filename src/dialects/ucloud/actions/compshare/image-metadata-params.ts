import type { Attributes, Image } from '../../../../core/model.ts';
import { readCompShareAttributes } from '../../models/compshare-attributes.ts';
import type { FlatParams } from '../../protocol/flat-params.ts';
import { str, strArray } from '../../protocol/param-schema.ts';
import { readSoftwaresParam } from './softwares-param.ts';

/**
 * The catalogue metadata UpdateCompShareImage and PublishCompShareImage both take. Cover
 * is a base64 image on the way in and shown back as given; its cap keeps a page of 100
 * images answerable.
 */
export const imageMetadataParams = {
  Description: str({ maxLength: 255 }),
  Readme: str({ maxLength: 64 * 1024 }),
  Cover: str({ maxLength: 256 * 1024 }),
  Tags: strArray({ maxItems: 3 }),
};

/** The attributes a request changes: only what it sent; Softwares fields merge into the image's. */
export function metadataPatch(
  image: Image,
  p: { Readme?: string | undefined; Cover?: string | undefined; Tags: string[] },
  flat: Readonly<FlatParams>,
): Attributes {
  const softwares = readSoftwaresParam(flat);
  return {
    ...(p.Readme !== undefined ? { readme: p.Readme } : {}),
    ...(p.Cover !== undefined ? { cover: p.Cover } : {}),
    ...(p.Tags.length > 0 ? { tags: p.Tags } : {}),
    ...(softwares ? { softwares: { ...readCompShareAttributes(image.attributes).softwares, ...softwares } } : {}),
  };
}
