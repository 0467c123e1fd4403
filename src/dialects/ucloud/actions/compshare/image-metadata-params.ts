import type { ImagePatch } from '../../../../core/images/image-service.ts';
import { str, strArray } from '../../protocol/param-schema.ts';
import { softwaresFrom, softwaresParams } from './softwares-param.ts';

/**
 * The catalogue metadata UpdateCompShareImage and PublishCompShareImage both take. Cover
 * is a base64 image on the way in and shown back as given; its cap keeps a page of 100
 * images answerable.
 */
export const imageMetadataParams = {
  Description: str({ maxLength: 255, multiline: true }),
  Readme: str({ maxLength: 64 * 1024, multiline: true, doc: 'Markdown' }),
  // Base64 as `base64(1)` writes it may be wrapped into lines.
  Cover: str({ maxLength: 256 * 1024, multiline: true, doc: 'base64 image' }),
  Tags: strArray({ maxItems: 3 }),
  ...softwaresParams,
};

/**
 * The attributes a request changes: only what it sent. Softwares fields are merged into
 * the image's stored `softwares` by the store, under its row lock, not here from a copy
 * read earlier: two updates of different Softwares fields racing must both survive.
 */
export function metadataPatch(
  p: { Readme?: string | undefined; Cover?: string | undefined; Tags: string[] } & Parameters<typeof softwaresFrom>[0],
): Pick<ImagePatch, 'attributes' | 'attributeMerges'> {
  const softwares = softwaresFrom(p);
  return {
    attributes: {
      ...(p.Readme !== undefined ? { readme: p.Readme } : {}),
      ...(p.Cover !== undefined ? { cover: p.Cover } : {}),
      ...(p.Tags.length > 0 ? { tags: p.Tags } : {}),
    },
    ...(softwares ? { attributeMerges: { softwares } } : {}),
  };
}
