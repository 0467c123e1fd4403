import { IMAGE_STATUSES } from '../../models/zec-image.ts';
import { enumOf, int, str, strArray, tags } from '../../protocol/params.ts';

/** Filters DescribeImages and DescribeCustomImages share, with their page limits. */
export const imageFilterParams = {
  imageIds: strArray({ maxItems: 1000 }),
  imageName: str({ doc: 'substring, any case' }),
  category: str(),
  osType: enumOf(['linux', 'bsd', 'windows', 'android', 'any'] as const),
  imageStatus: enumOf(IMAGE_STATUSES),
  pageNum: int({ min: 1, default: 1 }),
  pageSize: int({ min: 1, max: 1000, default: 20 }),
  tagKeys: strArray({ maxItems: 20, itemMaxLength: 64 }),
  tags: tags({ maxItems: 20 }),
};
