import { Type, type Static } from '@sinclair/typebox';
import { literals } from '../../schema/fields.ts';
import { CompShareImage } from './compshare-image.ts';

const S = Type.String();
const I = Type.Integer();

/**
 * CompshareImageGroup (describe_self_community_images.md, describe_user_community_images.md).
 * Kiln keeps no version groups: each published image is a group of one, whose GroupId is
 * the image's id, so a GroupId from one answer finds the same entry again.
 */
export const CompShareImageGroup = Type.Object({
  GroupId: S,
  ImageName: S,
  ImageDesc: S,
  CreatedCount: I,
  FavoritesCount: I,
  RecommendCount: I,
  Status: literals(['Available', 'UnAvailable']),
  Data: Type.Array(CompShareImage),
  ImageUseTime: Type.Integer({ description: 'hours' }),
  IsFavorite: Type.Boolean(),
});

export function toCompShareImageGroup(image: Static<typeof CompShareImage>): Static<typeof CompShareImageGroup> {
  return {
    GroupId: image.CompShareImageId,
    ImageName: image.Name,
    ImageDesc: image.Description,
    CreatedCount: image.CreatedCount,
    FavoritesCount: 0,
    RecommendCount: 0,
    Status: image.Status === 'Available' ? 'Available' : 'UnAvailable',
    Data: [image],
    ImageUseTime: 0,
    IsFavorite: false,
  };
}
