// Generated from the action schemas by `npm run docs`; do not edit.
import type { CallOptions } from '../actions.ts';
import { UCloudClient, type UCloudClientOptions, type WithDefaults } from '../ucloud/client.ts';

/** Parameters of CreateCompShareCustomImage. */
export interface CreateCompShareCustomImageRequest {
  Region: string;
  Zone: string;
  /** the host to capture; it must be Stopped */
  UHostId: string;
  /** unique among the account's images */
  Name: string;
  Description?: string;
  /** software metadata shown in the catalogue */
  Softwares?: {
    Framework?: string;
    FrameworkVersion?: string;
    CUDAVersion?: string;
    /** the Create page spelling */
    Application?: string[];
    /** the Publish page spelling */
    Applications?: string[];
  };
  /** the same, as the Publish and Update examples spell it */
  Software?: {
    Framework?: string;
    FrameworkVersion?: string;
    CUDAVersion?: string;
    /** the Create page spelling */
    Application?: string[];
    /** the Publish page spelling */
    Applications?: string[];
  };
  /** the same as Softwares.Framework */
  Framework?: string;
}

/** The answer of CreateCompShareCustomImage (envelope removed). */
export interface CreateCompShareCustomImageResponse {
  CompShareImageId: string;
}

/** Parameters of DescribeCompShareCustomImages. */
export interface DescribeCompShareCustomImagesRequest {
  Region: string;
  Zone: string;
  CompShareImageId?: string;
  /** Default 0. */
  Offset?: number;
  /** Default 20. */
  Limit?: number;
}

/** The answer of DescribeCompShareCustomImages (envelope removed). */
export interface DescribeCompShareCustomImagesResponse {
  TotalCount: number;
  ImageSet: Array<{
    CompShareImageId: string;
    Name: string;
    Author: string;
    AuthInfo: number;
    ImageOwnerAlias: "Official" | "Community";
    ImageType: "System" | "Custom" | "Community";
    /** custom images only: captured from an official image */
    IsOfficial?: boolean;
    Container: "True" | "False";
    Status: "Making" | "Available" | "UnAvailable" | "Reviewing" | "Offline";
    /** MB */
    Size: number;
    /** 0 private, 1 public */
    Visibility: number;
    Description: string;
    Tags: string[];
    Price: number;
    Cover: string;
    /** only when one image is asked for by id */
    Readme?: string;
    Softwares: {
      Framework: string;
      FrameworkVersion: string;
      CUDAVersion: string;
      Applications: string[];
    };
    CreatedCount: number;
    FavoritesCount: number;
    /** why the image is UnAvailable; empty otherwise */
    FailedReason: string;
    CreateTime: number;
    PubTime: number;
    Owner: {
      AccountId: string;
      AccountName: string;
    };
    GroupId: string;
    VersionName: string;
    VersionDesc: string;
    SourceGpuType: string;
    AutoStart: boolean;
    ImageCharge: boolean;
    ImageUseTime: number;
  }>;
}

/** Parameters of GetCompShareImageCreateProgress. */
export interface GetCompShareImageCreateProgressRequest {
  Region: string;
  Zone: string;
  CompShareImageId: string;
}

/** The answer of GetCompShareImageCreateProgress (envelope removed). */
export interface GetCompShareImageCreateProgressResponse {
  /** percent, 0-100; 100 once the image is Available */
  Process: number;
  /** whole seconds; empty while there is no rate to estimate from */
  TotalDuration: string;
  /** whole seconds; empty while there is no rate to estimate from */
  RemainingDuration: string;
}

/** Parameters of UpdateCompShareImage. */
export interface UpdateCompShareImageRequest {
  Region: string;
  Zone: string;
  CompShareImageId: string;
  /** renames the image (unique among the account's images) */
  Name?: string;
  /** 1 publishes, 0 withdraws */
  Visibility?: number;
  Description?: string;
  /** Markdown */
  Readme?: string;
  /** base64 image */
  Cover?: string;
  Tags?: string[];
  /** software metadata shown in the catalogue */
  Softwares?: {
    Framework?: string;
    FrameworkVersion?: string;
    CUDAVersion?: string;
    /** the Create page spelling */
    Application?: string[];
    /** the Publish page spelling */
    Applications?: string[];
  };
  /** the same, as the Publish and Update examples spell it */
  Software?: {
    Framework?: string;
    FrameworkVersion?: string;
    CUDAVersion?: string;
    /** the Create page spelling */
    Application?: string[];
    /** the Publish page spelling */
    Applications?: string[];
  };
  /** the same as Softwares.Framework */
  Framework?: string;
}

/** The answer of UpdateCompShareImage (envelope removed). */
export interface UpdateCompShareImageResponse {}

/** Parameters of CopyCompShareCustomImage. */
export interface CopyCompShareCustomImageRequest {
  Region: string;
  Zone?: string;
  CompShareImageId: string;
  TargetImageName?: string;
}

/** The answer of CopyCompShareCustomImage (envelope removed). */
export interface CopyCompShareCustomImageResponse {
  NewCompShareImageId: string;
}

/** Parameters of PublishCompShareImage. */
export interface PublishCompShareImageRequest {
  Region: string;
  Zone: string;
  CompShareImageId: string;
  Price: number;
  /** renames the image */
  CommunityImageName?: string;
  AutoStart?: boolean;
  Description?: string;
  /** Markdown */
  Readme?: string;
  /** base64 image */
  Cover?: string;
  Tags?: string[];
  /** software metadata shown in the catalogue */
  Softwares?: {
    Framework?: string;
    FrameworkVersion?: string;
    CUDAVersion?: string;
    /** the Create page spelling */
    Application?: string[];
    /** the Publish page spelling */
    Applications?: string[];
  };
  /** the same, as the Publish and Update examples spell it */
  Software?: {
    Framework?: string;
    FrameworkVersion?: string;
    CUDAVersion?: string;
    /** the Create page spelling */
    Application?: string[];
    /** the Publish page spelling */
    Applications?: string[];
  };
  /** the same as Softwares.Framework */
  Framework?: string;
}

/** The answer of PublishCompShareImage (envelope removed). */
export interface PublishCompShareImageResponse {
  /** the same id: the image itself is published */
  NewCompShareImageId: string;
}

/** Parameters of TerminateCompShareCustomImage. */
export interface TerminateCompShareCustomImageRequest {
  Region: string;
  Zone: string;
  CompShareImageId: string;
}

/** The answer of TerminateCompShareCustomImage (envelope removed). */
export interface TerminateCompShareCustomImageResponse {}

/** Parameters of DescribeCommunityImages. */
export interface DescribeCommunityImagesRequest {
  Region: string;
  Zone: string;
  CompShareImageId?: string;
  /** substring of the name */
  Name?: string;
  /** account name of the publisher */
  Author?: string;
  /** Default 0. */
  Offset?: number;
  /** Default 20. */
  Limit?: number;
  /** not supported yet: refused */
  Tag?: string;
  SortCondition?: {
    /** PubTime only */
    Field?: string;
    /** false only */
    ASC?: string;
  };
}

/** The answer of DescribeCommunityImages (envelope removed). */
export interface DescribeCommunityImagesResponse {
  TotalCount: number;
  ImageSet: Array<{
    CompShareImageId: string;
    Name: string;
    Author: string;
    AuthInfo: number;
    ImageOwnerAlias: "Official" | "Community";
    ImageType: "System" | "Custom" | "Community";
    /** custom images only: captured from an official image */
    IsOfficial?: boolean;
    Container: "True" | "False";
    Status: "Making" | "Available" | "UnAvailable" | "Reviewing" | "Offline";
    /** MB */
    Size: number;
    /** 0 private, 1 public */
    Visibility: number;
    Description: string;
    Tags: string[];
    Price: number;
    Cover: string;
    /** only when one image is asked for by id */
    Readme?: string;
    Softwares: {
      Framework: string;
      FrameworkVersion: string;
      CUDAVersion: string;
      Applications: string[];
    };
    CreatedCount: number;
    FavoritesCount: number;
    /** why the image is UnAvailable; empty otherwise */
    FailedReason: string;
    CreateTime: number;
    PubTime: number;
    Owner: {
      AccountId: string;
      AccountName: string;
    };
    GroupId: string;
    VersionName: string;
    VersionDesc: string;
    SourceGpuType: string;
    AutoStart: boolean;
    ImageCharge: boolean;
    ImageUseTime: number;
  }>;
}

/** Parameters of CreateCompShareInstance. */
export interface CreateCompShareInstanceRequest {
  Region: string;
  Zone: string;
  /** the image (or ImageId, as the example spells it); one is required */
  CompShareImageId?: string;
  ImageId?: string;
  /** Default "G". */
  MachineType?: string;
  GPU: number;
  /** required when GPU > 0 (or GPUType) */
  GpuType?: string;
  GPUType?: string;
  /** Default 4. */
  CPU?: number;
  /** MB Default 8192. */
  Memory?: number;
  /** Default "Password". */
  LoginMode?: "Password" | "KeyPair" | "ImagePasswd";
  /** Default "Month". */
  ChargeType?: "Year" | "Month" | "Day" | "Dynamic" | "Postpay" | "Spot" | "Preemptive";
  Quantity?: number;
  MinimalCpuPlatform?: string;
  Password?: string;
  /** Default "CompShare". */
  Name?: string;
  SecurityGroupId?: string;
  /** Default false. */
  EnableUS3?: boolean;
  /** the system disk and any data disks */
  Disks: Array<{
    /** True for the system disk */
    IsBoot: boolean;
    /** CLOUD_SSD, CLOUD_RSSD, ... */
    Type: string;
    /** GB */
    Size: number;
    SnapshotId?: string;
  }>;
}

/** The answer of CreateCompShareInstance (envelope removed). */
export interface CreateCompShareInstanceResponse {
  UHostIds: string[];
  IPs: string[];
}

/** Parameters of DescribeCompShareInstance. */
export interface DescribeCompShareInstanceRequest {
  Region?: string;
  Zone?: string;
  UHostIds?: string[];
  WithoutGpu?: boolean;
  /** Default 0. */
  Offset?: number;
  /** Default 20. */
  Limit?: number;
}

/** The answer of DescribeCompShareInstance (envelope removed). */
export interface DescribeCompShareInstanceResponse {
  TotalCount: number;
  UHostSet: Array<{
    Zone: string;
    StopSchedulerTime: number;
    UHostId: string;
    MachineType: string;
    CpuPlatform: string;
    CompShareImageId: string;
    CompShareImageName: string;
    CompShareImageOwnerAlias: string;
    CompShareImageBillId: string;
    CompShareImageStatus: string;
    /** System, Custom or Community */
    CompShareImageType: string;
    InstanceType: string;
    Password: string;
    SshLoginCommand: string;
    Name: string;
    Tag: string;
    Remark: string;
    /** Initializing, Running, Stopped, Installing (reinstall) or Install Fail */
    State: string;
    ChargeType: string;
    CPU: number;
    /** MB */
    Memory: number;
    GpuType: string;
    GPU: number;
    AutoRenew: string;
    IsExpire: string;
    OsName: string;
    OsType: string;
    TotalDiskSpace: number;
    CpuArch: string;
    DiskSet: Array<{
      DiskType: string;
      IsBoot: "True" | "False";
      Encrypted: string;
      Type: "Boot" | "Data";
      DiskId: string;
      Name: string;
      Drive: string;
      /** GB */
      Size: number;
    }>;
    IPSet: unknown[];
    Softwares: unknown[];
    CreateTime: number;
    UpdateTime: number;
    ExpireTime: number;
    SupportWithoutGpuStart: boolean;
  }>;
}

/** Parameters of StopCompShareInstance. */
export interface StopCompShareInstanceRequest {
  Region: string;
  Zone: string;
  UHostId: string;
  DiskPassword?: string;
}

/** The answer of StopCompShareInstance (envelope removed). */
export interface StopCompShareInstanceResponse {
  UHostId: string;
}

/** Parameters of StartCompShareInstance. */
export interface StartCompShareInstanceRequest {
  Region: string;
  Zone: string;
  UHostId: string;
  DiskPassword?: string;
}

/** The answer of StartCompShareInstance (envelope removed). */
export interface StartCompShareInstanceResponse {
  UHostId: string;
}

/** Parameters of RebootCompShareInstance. */
export interface RebootCompShareInstanceRequest {
  Region: string;
  Zone: string;
  UHostId: string;
  DiskPassword?: string;
}

/** The answer of RebootCompShareInstance (envelope removed). */
export interface RebootCompShareInstanceResponse {
  UHostId: string;
}

/** Parameters of TerminateCompShareInstance. */
export interface TerminateCompShareInstanceRequest {
  Region: string;
  Zone: string;
  UHostId: string;
  DiskPassword?: string;
}

/** The answer of TerminateCompShareInstance (envelope removed). */
export interface TerminateCompShareInstanceResponse {
  UHostId: string;
}

/** Parameters of ModifyCompShareImageShareAccount. */
export interface ModifyCompShareImageShareAccountRequest {
  Region: string;
  Zone?: string;
  CompShareImageId: string;
  /** account ids to share with; with RemoveAccounts, at least one */
  AddAccounts?: string[];
  /** account ids to stop sharing with */
  RemoveAccounts?: string[];
}

/** The answer of ModifyCompShareImageShareAccount (envelope removed). */
export interface ModifyCompShareImageShareAccountResponse {
  /** always empty on success: an unknown account fails the call */
  InvalidAccounts: string[];
}

/** Parameters of DescribeCompShareImageShareAccounts. */
export interface DescribeCompShareImageShareAccountsRequest {
  Region: string;
  CompShareImageId: string;
}

/** The answer of DescribeCompShareImageShareAccounts (envelope removed). */
export interface DescribeCompShareImageShareAccountsResponse {
  AccountSet: Array<{
    AccountId: string;
    AccountName: string;
  }>;
}

/** Parameters of DescribeCompShareSharingImages. */
export interface DescribeCompShareSharingImagesRequest {
  Region: string;
  /** only images of this zone */
  Zone?: string;
  CompShareImageId?: string;
  /** Default 0. */
  Offset?: number;
  /** Default 20. */
  Limit?: number;
}

/** The answer of DescribeCompShareSharingImages (envelope removed). */
export interface DescribeCompShareSharingImagesResponse {
  TotalCount: number;
  ImageSet: Array<{
    CompShareImageId: string;
    Name: string;
    Author: string;
    AuthInfo: number;
    ImageOwnerAlias: "Official" | "Community";
    ImageType: "System" | "Custom" | "Community";
    /** custom images only: captured from an official image */
    IsOfficial?: boolean;
    Container: "True" | "False";
    Status: "Making" | "Available" | "UnAvailable" | "Reviewing" | "Offline";
    /** MB */
    Size: number;
    /** 0 private, 1 public */
    Visibility: number;
    Description: string;
    Tags: string[];
    Price: number;
    Cover: string;
    /** only when one image is asked for by id */
    Readme?: string;
    Softwares: {
      Framework: string;
      FrameworkVersion: string;
      CUDAVersion: string;
      Applications: string[];
    };
    CreatedCount: number;
    FavoritesCount: number;
    /** why the image is UnAvailable; empty otherwise */
    FailedReason: string;
    CreateTime: number;
    PubTime: number;
    Owner: {
      AccountId: string;
      AccountName: string;
    };
    GroupId: string;
    VersionName: string;
    VersionDesc: string;
    SourceGpuType: string;
    AutoStart: boolean;
    ImageCharge: boolean;
    ImageUseTime: number;
  }>;
}

/** Parameters of DescribeCompShareImages. */
export interface DescribeCompShareImagesRequest {
  Region: string;
  Zone?: string;
  /** Default "System". */
  ImageType?: "System" | "App";
  CompShareImageId?: string;
  /** substring of the name */
  Name?: string;
  /** official images have no author: any value matches none */
  Author?: string;
  /** not supported yet: refused */
  Tag?: string;
  /** Default 0. */
  Offset?: number;
  /** Default 20. */
  Limit?: number;
}

/** The answer of DescribeCompShareImages (envelope removed). */
export interface DescribeCompShareImagesResponse {
  TotalCount: number;
  ImageSet: Array<{
    CompShareImageId: string;
    Name: string;
    Author: string;
    AuthInfo: number;
    ImageOwnerAlias: "Official" | "Community";
    ImageType: "System" | "Custom" | "Community";
    /** custom images only: captured from an official image */
    IsOfficial?: boolean;
    Container: "True" | "False";
    Status: "Making" | "Available" | "UnAvailable" | "Reviewing" | "Offline";
    /** MB */
    Size: number;
    /** 0 private, 1 public */
    Visibility: number;
    Description: string;
    Tags: string[];
    Price: number;
    Cover: string;
    /** only when one image is asked for by id */
    Readme?: string;
    Softwares: {
      Framework: string;
      FrameworkVersion: string;
      CUDAVersion: string;
      Applications: string[];
    };
    CreatedCount: number;
    FavoritesCount: number;
    /** why the image is UnAvailable; empty otherwise */
    FailedReason: string;
    CreateTime: number;
    PubTime: number;
    Owner: {
      AccountId: string;
      AccountName: string;
    };
    GroupId: string;
    VersionName: string;
    VersionDesc: string;
    SourceGpuType: string;
    AutoStart: boolean;
    ImageCharge: boolean;
    ImageUseTime: number;
  }>;
}

/** Parameters of DescribeCompShareImageTags. */
export interface DescribeCompShareImageTagsRequest {
  Region?: string;
  Zone?: string;
}

/** The answer of DescribeCompShareImageTags (envelope removed). */
export interface DescribeCompShareImageTagsResponse {
  Tags: string[];
}

/** Parameters of DescribeSelfCommunityImages. */
export interface DescribeSelfCommunityImagesRequest {
  Region: string;
  Zone: string;
  CompShareImageId?: string;
  /** the id of the group’s image */
  GroupId?: string;
}

/** The answer of DescribeSelfCommunityImages (envelope removed). */
export interface DescribeSelfCommunityImagesResponse {
  ImageSetGroup: Array<{
    GroupId: string;
    ImageName: string;
    ImageDesc: string;
    CreatedCount: number;
    FavoritesCount: number;
    RecommendCount: number;
    Status: "Available" | "UnAvailable";
    Data: Array<{
      CompShareImageId: string;
      Name: string;
      Author: string;
      AuthInfo: number;
      ImageOwnerAlias: "Official" | "Community";
      ImageType: "System" | "Custom" | "Community";
      /** custom images only: captured from an official image */
      IsOfficial?: boolean;
      Container: "True" | "False";
      Status: "Making" | "Available" | "UnAvailable" | "Reviewing" | "Offline";
      /** MB */
      Size: number;
      /** 0 private, 1 public */
      Visibility: number;
      Description: string;
      Tags: string[];
      Price: number;
      Cover: string;
      /** only when one image is asked for by id */
      Readme?: string;
      Softwares: {
        Framework: string;
        FrameworkVersion: string;
        CUDAVersion: string;
        Applications: string[];
      };
      CreatedCount: number;
      FavoritesCount: number;
      /** why the image is UnAvailable; empty otherwise */
      FailedReason: string;
      CreateTime: number;
      PubTime: number;
      Owner: {
        AccountId: string;
        AccountName: string;
      };
      GroupId: string;
      VersionName: string;
      VersionDesc: string;
      SourceGpuType: string;
      AutoStart: boolean;
      ImageCharge: boolean;
      ImageUseTime: number;
    }>;
    /** hours */
    ImageUseTime: number;
    IsFavorite: boolean;
  }>;
  TotalCount: number;
  AvailableTotalCount: number;
}

/** Parameters of DescribeUserCommunityImages. */
export interface DescribeUserCommunityImagesRequest {
  Region: string;
  Zone: string;
  CompShareImageId?: string;
  /** substring of the name */
  Name?: string;
  /** account name of the publisher */
  Author?: string;
  /** Default 0. */
  Offset?: number;
  /** Default 20. */
  Limit?: number;
  /** not supported yet: refused */
  Tag?: string;
  SortCondition?: {
    /** PubTime only */
    Field?: string;
    /** true (the default) or false */
    ASC?: string;
  };
  /** true is not supported yet: refused */
  IsFree?: boolean;
  /** community images are never official: true matches none */
  IsOfficial?: boolean;
  /** not supported yet: refused */
  FuzzySearch?: string;
}

/** The answer of DescribeUserCommunityImages (envelope removed). */
export interface DescribeUserCommunityImagesResponse {
  ImageSetGroup: Array<{
    GroupId: string;
    ImageName: string;
    ImageDesc: string;
    CreatedCount: number;
    FavoritesCount: number;
    RecommendCount: number;
    Status: "Available" | "UnAvailable";
    Data: Array<{
      CompShareImageId: string;
      Name: string;
      Author: string;
      AuthInfo: number;
      ImageOwnerAlias: "Official" | "Community";
      ImageType: "System" | "Custom" | "Community";
      /** custom images only: captured from an official image */
      IsOfficial?: boolean;
      Container: "True" | "False";
      Status: "Making" | "Available" | "UnAvailable" | "Reviewing" | "Offline";
      /** MB */
      Size: number;
      /** 0 private, 1 public */
      Visibility: number;
      Description: string;
      Tags: string[];
      Price: number;
      Cover: string;
      /** only when one image is asked for by id */
      Readme?: string;
      Softwares: {
        Framework: string;
        FrameworkVersion: string;
        CUDAVersion: string;
        Applications: string[];
      };
      CreatedCount: number;
      FavoritesCount: number;
      /** why the image is UnAvailable; empty otherwise */
      FailedReason: string;
      CreateTime: number;
      PubTime: number;
      Owner: {
        AccountId: string;
        AccountName: string;
      };
      GroupId: string;
      VersionName: string;
      VersionDesc: string;
      SourceGpuType: string;
      AutoStart: boolean;
      ImageCharge: boolean;
      ImageUseTime: number;
    }>;
    /** hours */
    ImageUseTime: number;
    IsFavorite: boolean;
  }>;
  TotalCount: number;
  AvailableTotalCount: number;
}

/** Parameters of ReinstallCompShareInstance. */
export interface ReinstallCompShareInstanceRequest {
  Region: string;
  Zone: string;
  UHostId: string;
  CompShareImageId: string;
  /** the new password; the old one stays when absent */
  Password?: string;
}

/** The answer of ReinstallCompShareInstance (envelope removed). */
export interface ReinstallCompShareInstanceResponse {
  UHostId: string;
}

/** Every CompShare action: its parameters and its answer. */
export interface CompShareActions {
  CreateCompShareCustomImage: { request: CreateCompShareCustomImageRequest; response: CreateCompShareCustomImageResponse };
  DescribeCompShareCustomImages: { request: DescribeCompShareCustomImagesRequest; response: DescribeCompShareCustomImagesResponse };
  GetCompShareImageCreateProgress: { request: GetCompShareImageCreateProgressRequest; response: GetCompShareImageCreateProgressResponse };
  UpdateCompShareImage: { request: UpdateCompShareImageRequest; response: UpdateCompShareImageResponse };
  CopyCompShareCustomImage: { request: CopyCompShareCustomImageRequest; response: CopyCompShareCustomImageResponse };
  PublishCompShareImage: { request: PublishCompShareImageRequest; response: PublishCompShareImageResponse };
  TerminateCompShareCustomImage: { request: TerminateCompShareCustomImageRequest; response: TerminateCompShareCustomImageResponse };
  DescribeCommunityImages: { request: DescribeCommunityImagesRequest; response: DescribeCommunityImagesResponse };
  CreateCompShareInstance: { request: CreateCompShareInstanceRequest; response: CreateCompShareInstanceResponse };
  DescribeCompShareInstance: { request: DescribeCompShareInstanceRequest; response: DescribeCompShareInstanceResponse };
  StopCompShareInstance: { request: StopCompShareInstanceRequest; response: StopCompShareInstanceResponse };
  StartCompShareInstance: { request: StartCompShareInstanceRequest; response: StartCompShareInstanceResponse };
  RebootCompShareInstance: { request: RebootCompShareInstanceRequest; response: RebootCompShareInstanceResponse };
  TerminateCompShareInstance: { request: TerminateCompShareInstanceRequest; response: TerminateCompShareInstanceResponse };
  ModifyCompShareImageShareAccount: { request: ModifyCompShareImageShareAccountRequest; response: ModifyCompShareImageShareAccountResponse };
  DescribeCompShareImageShareAccounts: { request: DescribeCompShareImageShareAccountsRequest; response: DescribeCompShareImageShareAccountsResponse };
  DescribeCompShareSharingImages: { request: DescribeCompShareSharingImagesRequest; response: DescribeCompShareSharingImagesResponse };
  DescribeCompShareImages: { request: DescribeCompShareImagesRequest; response: DescribeCompShareImagesResponse };
  DescribeCompShareImageTags: { request: DescribeCompShareImageTagsRequest; response: DescribeCompShareImageTagsResponse };
  DescribeSelfCommunityImages: { request: DescribeSelfCommunityImagesRequest; response: DescribeSelfCommunityImagesResponse };
  DescribeUserCommunityImages: { request: DescribeUserCommunityImagesRequest; response: DescribeUserCommunityImagesResponse };
  ReinstallCompShareInstance: { request: ReinstallCompShareInstanceRequest; response: ReinstallCompShareInstanceResponse };
}

/** Which calls only read (and so are retried after network errors and throttling). */
export const compshareActionMeta = {
  CreateCompShareCustomImage: { readOnly: false },
  DescribeCompShareCustomImages: { readOnly: true },
  GetCompShareImageCreateProgress: { readOnly: true },
  UpdateCompShareImage: { readOnly: false },
  CopyCompShareCustomImage: { readOnly: false },
  PublishCompShareImage: { readOnly: false },
  TerminateCompShareCustomImage: { readOnly: false },
  DescribeCommunityImages: { readOnly: true },
  CreateCompShareInstance: { readOnly: false },
  DescribeCompShareInstance: { readOnly: true },
  StopCompShareInstance: { readOnly: false },
  StartCompShareInstance: { readOnly: false },
  RebootCompShareInstance: { readOnly: false },
  TerminateCompShareInstance: { readOnly: false },
  ModifyCompShareImageShareAccount: { readOnly: false },
  DescribeCompShareImageShareAccounts: { readOnly: true },
  DescribeCompShareSharingImages: { readOnly: true },
  DescribeCompShareImages: { readOnly: true },
  DescribeCompShareImageTags: { readOnly: true },
  DescribeSelfCommunityImages: { readOnly: true },
  DescribeUserCommunityImages: { readOnly: true },
  ReinstallCompShareInstance: { readOnly: false },
} as const;

/** One typed method per CompShare action. */
export class CompShareApi extends UCloudClient<CompShareActions> {
  constructor(options: UCloudClientOptions) {
    super(options, compshareActionMeta);
  }

  /** Captures a stopped GPU host into a custom image; poll GetCompShareImageCreateProgress or DescribeCompShareCustomImages. */
  createCompShareCustomImage(params: WithDefaults<CreateCompShareCustomImageRequest>, opts?: CallOptions): Promise<CreateCompShareCustomImageResponse> {
    return this.call('CreateCompShareCustomImage', params, opts);
  }

  /** Lists the caller's custom images in a zone, oldest first (so pages stay stable while images are made). */
  describeCompShareCustomImages(params: WithDefaults<DescribeCompShareCustomImagesRequest> = {}, opts?: CallOptions): Promise<DescribeCompShareCustomImagesResponse> {
    return this.call('DescribeCompShareCustomImages', params, opts);
  }

  /** How far the making of a custom image has got. */
  getCompShareImageCreateProgress(params: WithDefaults<GetCompShareImageCreateProgressRequest>, opts?: CallOptions): Promise<GetCompShareImageCreateProgressResponse> {
    return this.call('GetCompShareImageCreateProgress', params, opts);
  }

  /** Changes a custom image's name, description and catalogue metadata, or its visibility. */
  updateCompShareImage(params: WithDefaults<UpdateCompShareImageRequest>, opts?: CallOptions): Promise<UpdateCompShareImageResponse> {
    return this.call('UpdateCompShareImage', params, opts);
  }

  /** Copies an image the caller can see (own or community) into a private custom image; Available at once. */
  copyCompShareCustomImage(params: WithDefaults<CopyCompShareCustomImageRequest>, opts?: CallOptions): Promise<CopyCompShareCustomImageResponse> {
    return this.call('CopyCompShareCustomImage', params, opts);
  }

  /** Publishes an available custom image to the community catalogue (in place: the id stays the same). */
  publishCompShareImage(params: WithDefaults<PublishCompShareImageRequest>, opts?: CallOptions): Promise<PublishCompShareImageResponse> {
    return this.call('PublishCompShareImage', params, opts);
  }

  /** Deletes one of the caller's custom images (copies keep their data). */
  terminateCompShareCustomImage(params: WithDefaults<TerminateCompShareCustomImageRequest>, opts?: CallOptions): Promise<TerminateCompShareCustomImageResponse> {
    return this.call('TerminateCompShareCustomImage', params, opts);
  }

  /** Lists the community catalogue: every account's public images, newest publication first. */
  describeCommunityImages(params: WithDefaults<DescribeCommunityImagesRequest> = {}, opts?: CallOptions): Promise<DescribeCommunityImagesResponse> {
    return this.call('DescribeCommunityImages', params, opts);
  }

  /** Creates a GPU host from an official, own or community image; Initializing until its disks hold the image. */
  createCompShareInstance(params: WithDefaults<CreateCompShareInstanceRequest>, opts?: CallOptions): Promise<CreateCompShareInstanceResponse> {
    return this.call('CreateCompShareInstance', params, opts);
  }

  /** Lists the caller's GPU hosts, in one region or in all. */
  describeCompShareInstance(params: WithDefaults<DescribeCompShareInstanceRequest> = {}, opts?: CallOptions): Promise<DescribeCompShareInstanceResponse> {
    return this.call('DescribeCompShareInstance', params, opts);
  }

  /** Stops a running host. */
  stopCompShareInstance(params: WithDefaults<StopCompShareInstanceRequest>, opts?: CallOptions): Promise<StopCompShareInstanceResponse> {
    return this.call('StopCompShareInstance', params, opts);
  }

  /** Starts a stopped host. */
  startCompShareInstance(params: WithDefaults<StartCompShareInstanceRequest>, opts?: CallOptions): Promise<StartCompShareInstanceResponse> {
    return this.call('StartCompShareInstance', params, opts);
  }

  /** Reboots a running host. */
  rebootCompShareInstance(params: WithDefaults<RebootCompShareInstanceRequest>, opts?: CallOptions): Promise<RebootCompShareInstanceResponse> {
    return this.call('RebootCompShareInstance', params, opts);
  }

  /** Deletes a host and its disks. */
  terminateCompShareInstance(params: WithDefaults<TerminateCompShareInstanceRequest>, opts?: CallOptions): Promise<TerminateCompShareInstanceResponse> {
    return this.call('TerminateCompShareInstance', params, opts);
  }

  /** Shares a custom image with other accounts (by account id, as Owner.AccountId shows it) or stops sharing it. An unknown account id fails the whole call (RetCode 230, every unknown id named) and nothing is changed; so does the owner's own account id (an image cannot be shared with its owner). */
  modifyCompShareImageShareAccount(params: WithDefaults<ModifyCompShareImageShareAccountRequest>, opts?: CallOptions): Promise<ModifyCompShareImageShareAccountResponse> {
    return this.call('ModifyCompShareImageShareAccount', params, opts);
  }

  /** Lists the accounts one of the caller's custom images is shared with, in the order they were added. */
  describeCompShareImageShareAccounts(params: WithDefaults<DescribeCompShareImageShareAccountsRequest>, opts?: CallOptions): Promise<DescribeCompShareImageShareAccountsResponse> {
    return this.call('DescribeCompShareImageShareAccounts', params, opts);
  }

  /** Lists the images other accounts shared with the caller's account, oldest share first (so pages stay stable while images are shared). */
  describeCompShareSharingImages(params: WithDefaults<DescribeCompShareSharingImagesRequest> = {}, opts?: CallOptions): Promise<DescribeCompShareSharingImagesResponse> {
    return this.call('DescribeCompShareSharingImages', params, opts);
  }

  /** Lists the official (platform) images, oldest first (so pages stay stable while images are added). Every official image here is a System image; there are no App images. */
  describeCompShareImages(params: WithDefaults<DescribeCompShareImagesRequest> = {}, opts?: CallOptions): Promise<DescribeCompShareImagesResponse> {
    return this.call('DescribeCompShareImages', params, opts);
  }

  /** Lists the tags used by the official and community images, sorted, each once. */
  describeCompShareImageTags(params: WithDefaults<DescribeCompShareImageTagsRequest> = {}, opts?: CallOptions): Promise<DescribeCompShareImageTagsResponse> {
    return this.call('DescribeCompShareImageTags', params, opts);
  }

  /** Lists the caller's own published (community) images, each as a version group of one whose GroupId is the image id, oldest first. The page has no paging parameters: every group is returned. */
  describeSelfCommunityImages(params: WithDefaults<DescribeSelfCommunityImagesRequest> = {}, opts?: CallOptions): Promise<DescribeSelfCommunityImagesResponse> {
    return this.call('DescribeSelfCommunityImages', params, opts);
  }

  /** Lists the community catalogue (every account's published images), each image a version group of one whose GroupId is its id. Ordered by when each image was made, oldest first unless SortCondition.ASC is false, so pages stay stable while images are published. */
  describeUserCommunityImages(params: WithDefaults<DescribeUserCommunityImagesRequest> = {}, opts?: CallOptions): Promise<DescribeUserCommunityImagesResponse> {
    return this.call('DescribeUserCommunityImages', params, opts);
  }

  /** Gives a stopped GPU host a new system disk from an official, own or community image; Installing until written, then Running. */
  reinstallCompShareInstance(params: WithDefaults<ReinstallCompShareInstanceRequest>, opts?: CallOptions): Promise<ReinstallCompShareInstanceResponse> {
    return this.call('ReinstallCompShareInstance', params, opts);
  }
}
