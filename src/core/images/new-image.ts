import type { Image } from '../model.ts';

/** What only the maker of an image knows; everything else starts as every new image starts. */
export type NewImageFields = Pick<Image, 'id' | 'product' | 'accountId' | 'projectId' | 'region' | 'zone' | 'kind' | 'name' | 'osType' | 'osName'> &
  Partial<Pick<Image, 'description' | 'virtualSize' | 'sourceInstanceId' | 'parentImageId' | 'visibility' | 'attributes'>>;

/**
 * A new image record, still being made: no content yet (a job, or the command adding a
 * base image, commits it with markImageMade), private unless said otherwise.
 */
export function newImage(fields: NewImageFields, now = Date.now()): Image {
  return {
    description: '',
    virtualSize: 0,
    sourceInstanceId: null,
    parentImageId: null,
    visibility: 'private',
    attributes: {},
    ...fields,
    state: 'making',
    failedReason: null,
    storedSize: 0,
    createdAt: now,
    updatedAt: now,
  };
}
