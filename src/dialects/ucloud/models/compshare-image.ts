import { Type, type Static } from '@sinclair/typebox';
import type { Image } from '../../../core/model.ts';
import { literals } from '../../schema/fields.ts';
import { readCompShareAttributes } from './compshare-attributes.ts';

const MiB = 1024 ** 2;

// Capital A in UnAvailable, as the page spells it. Reviewing and Offline are never
// produced: there is no review step and no operator takedown here.
const statusNames: Record<Image['state'], 'Making' | 'Available' | 'UnAvailable'> = {
  making: 'Making',
  available: 'Available',
  unavailable: 'UnAvailable',
};

export interface CompShareImageView {
  /** Name of the owning account (Author, Owner.AccountName). */
  ownerName: string;
  /** Instances that currently exist from this image. */
  createdCount: number;
  /** Readme is returned only when the caller asked for one image by id. */
  withReadme: boolean;
  /** Listed in the community catalogue (ImageType Community) rather than as the owner's own. */
  asCommunity: boolean;
}

const S = Type.String();
const I = Type.Integer();

/** CompShareImage (seed 002). */
export const CompShareImage = Type.Object({
  CompShareImageId: S,
  Name: S,
  Author: S,
  AuthInfo: I,
  ImageOwnerAlias: literals(['Official', 'Community']),
  ImageType: literals(['System', 'Custom', 'Community']),
  IsOfficial: Type.Optional(Type.Boolean({ description: 'custom images only: captured from an official image' })),
  Container: literals(['True', 'False']),
  Status: literals(['Making', 'Available', 'UnAvailable', 'Reviewing', 'Offline']),
  Size: Type.Integer({ description: 'MB' }),
  Visibility: Type.Integer({ description: '0 private, 1 public' }),
  Description: S,
  Tags: Type.Array(S),
  Price: Type.Number(),
  Cover: S,
  Readme: Type.Optional(Type.String({ description: 'only when one image is asked for by id' })),
  Softwares: Type.Object({ Framework: S, FrameworkVersion: S, CUDAVersion: S, Applications: Type.Array(S) }),
  CreatedCount: I,
  FavoritesCount: I,
  FailedReason: Type.String({ description: 'why the image is UnAvailable; empty otherwise' }),
  CreateTime: I,
  PubTime: I,
  Owner: Type.Object({ AccountId: S, AccountName: S }),
  GroupId: S,
  VersionName: S,
  VersionDesc: S,
  SourceGpuType: S,
  AutoStart: Type.Boolean(),
  ImageCharge: Type.Boolean(),
  ImageUseTime: I,
});

/** CompShareImage as DescribeCompShareCustomImages and DescribeCommunityImages return it. */
export function toCompShareImage(image: Image, view: CompShareImageView): Static<typeof CompShareImage> {
  const a = readCompShareAttributes(image.attributes);
  const isBase = image.kind === 'base';
  const imageType = isBase ? ('System' as const) : view.asCommunity ? ('Community' as const) : ('Custom' as const);
  return {
    CompShareImageId: image.id,
    Name: image.name,
    Author: view.ownerName,
    AuthInfo: 0,
    ImageOwnerAlias: isBase ? ('Official' as const) : ('Community' as const),
    ImageType: imageType,
    // "Only returned for custom images": whether the capture started from an official image.
    ...(imageType === 'Custom' ? { IsOfficial: a.fromOfficialImage } : {}),
    Container: 'False' as const, // every image here is a VM disk image
    Status: statusNames[image.state],
    Size: Math.ceil(image.virtualSize / MiB),
    Visibility: image.visibility === 'public' ? 1 : 0,
    Description: image.description,
    Tags: a.tags,
    Price: a.price,
    Cover: a.cover,
    ...(view.withReadme ? { Readme: a.readme } : {}),
    Softwares: {
      Framework: a.softwares.framework,
      FrameworkVersion: a.softwares.frameworkVersion,
      CUDAVersion: a.softwares.cudaVersion,
      Applications: a.softwares.applications,
    },
    CreatedCount: view.createdCount,
    FavoritesCount: 0,
    FailedReason: image.failedReason ?? '',
    CreateTime: Math.floor(image.createdAt / 1000),
    PubTime: a.publishedAt === null ? 0 : Math.floor(a.publishedAt / 1000),
    Owner: { AccountId: image.accountId ?? '', AccountName: view.ownerName },
    GroupId: '',
    VersionName: '',
    VersionDesc: '',
    SourceGpuType: a.sourceGpuType,
    AutoStart: a.autoStart,
    ImageCharge: a.price > 0,
    ImageUseTime: 0,
  };
}
