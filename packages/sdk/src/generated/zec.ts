// Generated from the action schemas by `npm run docs`; do not edit.
import type { CallOptions } from '../actions.ts';
import { ZecClientBase, type ZecClientOptions } from '../zenlayer/client.ts';

/** Parameters of CreateImage. */
export interface CreateImageRequest {
  /** the instance to capture; it must be STOPPED */
  instanceId: string;
  imageName: string;
  resourceGroupId?: string;
  tags?: Array<{
    key: string;
    value?: string;
  }> | {
    tags: Array<{
      key: string;
      value?: string;
    }>;
  };
}

/** The answer of CreateImage (envelope removed). */
export interface CreateImageResponse {
  imageId: string;
  imageName: string;
}

/** Parameters of DescribeImages. */
export interface DescribeImagesRequest {
  zoneId: string;
  imageIds?: string[];
  /** substring, any case */
  imageName?: string;
  category?: string;
  osType?: "linux" | "bsd" | "windows" | "android" | "any";
  imageStatus?: "CREATING" | "AVAILABLE" | "UNAVAILABLE" | "SYNCING" | "FAILED" | "DELETING" | "PROCESSING";
  /** Default 1. */
  pageNum?: number;
  /** Default 20. */
  pageSize?: number;
  tagKeys?: string[];
  tags?: Array<{
    key: string;
    value?: string;
  }> | {
    tags: Array<{
      key: string;
      value?: string;
    }>;
  };
  imageType?: "PUBLIC_IMAGE" | "CUSTOM_IMAGE";
  imageSource?: "OFFICIAL" | "MARKETING" | "CUSTOM" | "APP";
}

/** The answer of DescribeImages (envelope removed). */
export interface DescribeImagesResponse {
  totalCount: number;
  dataSet: Array<{
    imageId: string;
    imageName: string;
    imageType: "PUBLIC_IMAGE" | "CUSTOM_IMAGE";
    imageSource: "OFFICIAL" | "MARKETING" | "CUSTOM" | "APP";
    /** GiB */
    imageSize: string;
    /** GiB */
    minDiskSize: number;
    imageDescription: string;
    imageVersion: string;
    imageStatus: "CREATING" | "AVAILABLE" | "UNAVAILABLE" | "SYNCING" | "FAILED" | "DELETING" | "PROCESSING";
    nicNetworkType: string[];
    category: string;
    osType: "linux" | "bsd" | "windows" | "android" | "any";
    tags: {
      tags: Array<{
        key: string;
        value: string;
      }>;
    };
  }>;
}

/** Parameters of DescribeCustomImages. */
export interface DescribeCustomImagesRequest {
  regionId?: string;
  imageIds?: string[];
  /** substring, any case */
  imageName?: string;
  category?: string;
  osType?: "linux" | "bsd" | "windows" | "android" | "any";
  imageStatus?: "CREATING" | "AVAILABLE" | "UNAVAILABLE" | "SYNCING" | "FAILED" | "DELETING" | "PROCESSING";
  /** Default 1. */
  pageNum?: number;
  /** Default 20. */
  pageSize?: number;
  tagKeys?: string[];
  tags?: Array<{
    key: string;
    value?: string;
  }> | {
    tags: Array<{
      key: string;
      value?: string;
    }>;
  };
  resourceGroupId?: string;
}

/** The answer of DescribeCustomImages (envelope removed). */
export interface DescribeCustomImagesResponse {
  totalCount: number;
  dataSet: Array<{
    regionIdList: string[];
    resourceGroupId: string;
    resourceGroupName: string;
    imageId: string;
    imageName: string;
    imageType: "PUBLIC_IMAGE" | "CUSTOM_IMAGE";
    imageSource: "OFFICIAL" | "MARKETING" | "CUSTOM" | "APP";
    /** GiB */
    imageSize: string;
    /** GiB */
    minDiskSize: number;
    imageDescription: string;
    imageVersion: string;
    imageStatus: "CREATING" | "AVAILABLE" | "UNAVAILABLE" | "SYNCING" | "FAILED" | "DELETING" | "PROCESSING";
    nicNetworkType: string[];
    category: string;
    osType: "linux" | "bsd" | "windows" | "android" | "any";
    tags: {
      tags: Array<{
        key: string;
        value: string;
      }>;
    };
  }>;
}

/** Parameters of ModifyImagesAttributes. */
export interface ModifyImagesAttributesRequest {
  imageIds: string[];
  /** required by the page unless imageDescription is sent */
  imageName?: string;
  /** not on the page (Image model field; the VM API took it here) */
  imageDescription?: string;
}

/** The answer of ModifyImagesAttributes (envelope removed). */
export interface ModifyImagesAttributesResponse {}

/** Parameters of DeleteImages. */
export interface DeleteImagesRequest {
  imageIds: string[];
}

/** The answer of DeleteImages (envelope removed). */
export interface DeleteImagesResponse {
  /** the ids that failed */
  imageIds: string[];
}

/** Parameters of CopyImage. */
export interface CopyImageRequest {
  imageId: string;
  regionIdList: string[];
}

/** The answer of CopyImage (envelope removed). */
export interface CopyImageResponse {}

/** Parameters of DescribeImageCopyProgress. */
export interface DescribeImageCopyProgressRequest {
  imageId: string;
}

/** The answer of DescribeImageCopyProgress (envelope removed). */
export interface DescribeImageCopyProgressResponse {
  dataSet: Array<{
    destRegionId: string;
    destRegionName: string;
    syncStage: "PREPARING" | "TRANSFERRING";
    /** waiting for a worker */
    queued: boolean;
    /** two decimals, e.g. 74.23 */
    syncPercent: number;
    /** the last attempt's error, if it is being retried */
    errorInfo: string;
  }>;
}

/** Parameters of DeleteImageCopy. */
export interface DeleteImageCopyRequest {
  imageId: string;
  regionIds: string[];
}

/** The answer of DeleteImageCopy (envelope removed). */
export interface DeleteImageCopyResponse {}

/** Parameters of CreateZecInstances. */
export interface CreateZecInstancesRequest {
  zoneId: string;
  imageId: string;
  /** Default "America/Los_Angeles". */
  timeZone?: string;
  instanceType: string;
  /** Default "instance". */
  instanceName?: string;
  password?: string;
  keyId?: string;
  /** Default "Auto". */
  nicNetworkType?: "Auto" | "FailOver" | "VirtioOnly" | "VfOnly";
  /** Default 1. */
  instanceCount?: number;
  systemDisk?: {
    diskId?: string;
    diskSize?: number;
    diskCategory?: string;
    burstingEnabled?: boolean;
  };
  dataDisks?: Array<{
    diskId?: string;
    diskName?: string;
    diskSize: number;
    /** Default 1. */
    diskAmount?: number;
    portable?: boolean;
    burstingEnabled?: boolean;
    diskCategory?: string;
  }>;
  securityGroupId?: string;
  subnetId: string;
  lanIp?: string;
  /** Default true. */
  enableAgent?: boolean;
  /** Default false. */
  enableIpForward?: boolean;
  internetChargeType?: "ByBandwidth" | "ByTrafficPackage" | "BandwidthCluster";
  trafficPackageSize?: number;
  bandwidth?: number;
  eipBindType?: "FullNat" | "Passthrough";
  eipIds?: string[];
  eipV4Type?: "BGPLine" | "CN2Line" | "LocalLine" | "ChinaMobile" | "ChinaUnicom" | "ChinaTelecom" | "Cogent" | "PathBasedBandwidthIP";
  ipStackType?: "IPv4" | "IPv4_IPv6" | "IPv6";
  networkLineType?: "PremiumBGP" | "CN2" | "PathBasedBandwidthIP" | "LocalLine" | "StandardBGP" | "CMI" | "CUG" | "CTG";
  clusterId?: string;
  ipv6ClusterId?: string;
  resourceGroupId?: string;
  marketingOptions?: {
    discountCode?: string;
    usePocVoucher?: boolean;
  };
  tags?: Array<{
    key: string;
    value?: string;
  }> | {
    tags: Array<{
      key: string;
      value?: string;
    }>;
  };
  userData?: string;
  instanceOptions?: {
    nestedVirtualization?: boolean;
  };
}

/** The answer of CreateZecInstances (envelope removed). */
export interface CreateZecInstancesResponse {
  orderNumber: string;
  instanceIdSet: string[];
  instances: Array<{
    instanceId: string;
    diskIdSet: string[];
  }>;
}

/** Parameters of DescribeInstances. */
export interface DescribeInstancesRequest {
  instanceIds?: string[];
  zoneId?: string;
  imageId?: string;
  ipv4Address?: string;
  ipv6Address?: string;
  status?: "DEPLOYING" | "REBUILDING" | "REBOOT" | "RUNNING" | "STOPPED" | "BOOTING" | "RELEASING" | "STOPPING" | "RECYCLE" | "RECYCLING" | "CREATE_FAILED" | "IMAGING" | "RESIZING";
  name?: string;
  /** Default 20. */
  pageSize?: number;
  /** Default 1. */
  pageNum?: number;
  resourceGroupId?: string;
  tagKeys?: string[];
  tags?: Array<{
    key: string;
    value?: string;
  }> | {
    tags: Array<{
      key: string;
      value?: string;
    }>;
  };
}

/** The answer of DescribeInstances (envelope removed). */
export interface DescribeInstancesResponse {
  totalCount: number;
  dataSet: Array<{
    instanceId: string;
    instanceName: string;
    zoneId: string;
    instanceType: string;
    cpu: number;
    /** GiB */
    memory: number;
    imageId: string;
    imageName: string;
    timeZone: string;
    nicNetworkType: string;
    /** DEPLOYING, RUNNING, STOPPED, IMAGING or CREATE_FAILED */
    status: string;
    systemDisk: {
      diskId: string;
      /** GiB */
      diskSize: number;
      diskCategory: string;
      burstingEnabled: boolean;
    } | null;
    dataDisks: Array<{
      diskId: string;
      /** GiB */
      diskSize: number;
      diskCategory: string;
      burstingEnabled: boolean;
      diskName: string;
      diskAmount: number;
      portable: boolean;
    }>;
    publicIpAddresses: string[];
    privateIpAddresses: string[];
    keyId: string | null;
    subnetId: string | null;
    securityGroupId: string | null;
    enableAgent: boolean;
    enableAgentMonitor: boolean;
    enableIpForward: boolean;
    /** YYYY-MM-ddTHH:mm:ssZ */
    createTime: string;
    expiredTime: null;
    resourceGroupId: string;
    resourceGroupName: string;
    nics: Array<{
      nicId: string;
      name: string;
      status: string;
      nicType: string;
      regionId: string;
      nicSubnetType: string;
      publicIpList: string[];
      privateIpList: string[];
      primaryIpv4: string | null;
      primaryIpv6: string | null;
      ipv6Cidr: string | null;
      secondaryIpv4s: string[];
      macAddress: string | null;
      instanceId: string;
      vpcId: string | null;
      subnetId: string | null;
      createTime: string;
      updateTime: string;
      resourceGroup: {
        resourceGroupId: string;
        resourceGroupName: string;
      };
      securityGroupId: string | null;
      tags: {
        tags: Array<{
          key: string;
          value: string;
        }>;
      };
    }>;
    tags: {
      tags: Array<{
        key: string;
        value: string;
      }>;
    };
    loadBalancerIds: string[];
    placementGroupId: null;
    instanceOptions: {
      nestedVirtualization: boolean;
    };
  }>;
}

/** Parameters of DescribeInstancesStatus. */
export interface DescribeInstancesStatusRequest {
  instanceIds?: string[];
  /** Default 20. */
  pageSize?: number;
  /** Default 1. */
  pageNum?: number;
  resourceGroupId?: string;
}

/** The answer of DescribeInstancesStatus (envelope removed). */
export interface DescribeInstancesStatusResponse {
  totalCount: number;
  dataSet: Array<{
    instanceId: string;
    instanceStatus: string;
  }>;
}

/** Parameters of StartInstances. */
export interface StartInstancesRequest {
  instanceIds: string[];
}

/** The answer of StartInstances (envelope removed). */
export interface StartInstancesResponse {
  /** the ids that failed (empty: all succeeded) */
  instanceIds: string[];
}

/** Parameters of StopInstances. */
export interface StopInstancesRequest {
  instanceIds: string[];
  forceShutdown?: boolean;
}

/** The answer of StopInstances (envelope removed). */
export interface StopInstancesResponse {
  /** the ids that failed (empty: all succeeded) */
  instanceIds: string[];
}

/** Parameters of RebootInstances. */
export interface RebootInstancesRequest {
  instanceIds: string[];
  forceReboot?: boolean;
}

/** The answer of RebootInstances (envelope removed). */
export interface RebootInstancesResponse {
  /** the ids that failed (empty: all succeeded) */
  instanceIds: string[];
}

/** Parameters of ReleaseInstances. */
export interface ReleaseInstancesRequest {
  instanceIds: string[];
  /** Default true. */
  dependResource?: boolean;
}

/** The answer of ReleaseInstances (envelope removed). */
export interface ReleaseInstancesResponse {
  /** the ids that failed (empty: all succeeded) */
  instanceIds: string[];
}

/** Parameters of DescribeZones. */
export interface DescribeZonesRequest {
  zoneIds?: string[];
}

/** The answer of DescribeZones (envelope removed). */
export interface DescribeZonesResponse {
  zoneSet: Array<{
    zoneId: string;
    regionId: string;
    zoneName: string;
    timeZone: string;
    cityName: string;
    cityCode: string;
    countryCode: string;
    countryName: string;
    supportSecurityGroup: boolean;
    supportHaVip: boolean;
  }>;
}

/** Parameters of DescribeZoneInstanceConfigInfos. */
export interface DescribeZoneInstanceConfigInfosRequest {
  zoneId?: string;
  instanceType?: string;
}

/** The answer of DescribeZoneInstanceConfigInfos (envelope removed). */
export interface DescribeZoneInstanceConfigInfosResponse {
  instanceTypeQuotaSet: Array<{
    zoneId: string;
    instanceType: string;
    instanceTypeName: string;
    cpuCount: number;
    /** GiB */
    memory: number;
    bps: number;
    pps: number;
    internetMaxBandwidthOutLimit: number;
    withStock: boolean;
    internetChargeTypes: string[];
  }>;
}

/** Parameters of DescribeZoneGpuInstanceConfigInfos. */
export interface DescribeZoneGpuInstanceConfigInfosRequest {
  zoneId?: string;
  instanceType?: string;
}

/** The answer of DescribeZoneGpuInstanceConfigInfos (envelope removed). */
export interface DescribeZoneGpuInstanceConfigInfosResponse {
  instanceTypeQuotaSet: Array<{
    zoneId: string;
    instanceType: string;
    cpuCount: number;
    /** GiB */
    memory: number;
    gpuAmount: number;
    instanceTypeName: string;
    bps: number;
    pps: number;
    inventoryCapacity: string;
  }>;
}

/** Every Zec action: its parameters and its answer. */
export interface ZecActions {
  CreateImage: { request: CreateImageRequest; response: CreateImageResponse };
  DescribeImages: { request: DescribeImagesRequest; response: DescribeImagesResponse };
  DescribeCustomImages: { request: DescribeCustomImagesRequest; response: DescribeCustomImagesResponse };
  ModifyImagesAttributes: { request: ModifyImagesAttributesRequest; response: ModifyImagesAttributesResponse };
  DeleteImages: { request: DeleteImagesRequest; response: DeleteImagesResponse };
  CopyImage: { request: CopyImageRequest; response: CopyImageResponse };
  DescribeImageCopyProgress: { request: DescribeImageCopyProgressRequest; response: DescribeImageCopyProgressResponse };
  DeleteImageCopy: { request: DeleteImageCopyRequest; response: DeleteImageCopyResponse };
  CreateZecInstances: { request: CreateZecInstancesRequest; response: CreateZecInstancesResponse };
  DescribeInstances: { request: DescribeInstancesRequest; response: DescribeInstancesResponse };
  DescribeInstancesStatus: { request: DescribeInstancesStatusRequest; response: DescribeInstancesStatusResponse };
  StartInstances: { request: StartInstancesRequest; response: StartInstancesResponse };
  StopInstances: { request: StopInstancesRequest; response: StopInstancesResponse };
  RebootInstances: { request: RebootInstancesRequest; response: RebootInstancesResponse };
  ReleaseInstances: { request: ReleaseInstancesRequest; response: ReleaseInstancesResponse };
  DescribeZones: { request: DescribeZonesRequest; response: DescribeZonesResponse };
  DescribeZoneInstanceConfigInfos: { request: DescribeZoneInstanceConfigInfosRequest; response: DescribeZoneInstanceConfigInfosResponse };
  DescribeZoneGpuInstanceConfigInfos: { request: DescribeZoneGpuInstanceConfigInfosRequest; response: DescribeZoneGpuInstanceConfigInfosResponse };
}

/** Which calls only read (and so are retried after network errors and throttling). */
export const zecActionMeta = {
  CreateImage: { readOnly: false },
  DescribeImages: { readOnly: true },
  DescribeCustomImages: { readOnly: true },
  ModifyImagesAttributes: { readOnly: false },
  DeleteImages: { readOnly: false },
  CopyImage: { readOnly: false },
  DescribeImageCopyProgress: { readOnly: true },
  DeleteImageCopy: { readOnly: false },
  CreateZecInstances: { readOnly: false },
  DescribeInstances: { readOnly: true },
  DescribeInstancesStatus: { readOnly: true },
  StartInstances: { readOnly: false },
  StopInstances: { readOnly: false },
  RebootInstances: { readOnly: false },
  ReleaseInstances: { readOnly: false },
  DescribeZones: { readOnly: true },
  DescribeZoneInstanceConfigInfos: { readOnly: true },
  DescribeZoneGpuInstanceConfigInfos: { readOnly: true },
} as const;

/** One typed method per Zec action. */
export class ZecApi extends ZecClientBase<ZecActions> {
  constructor(options: ZecClientOptions) {
    super(options, zecActionMeta);
  }

  /** Captures a stopped, non-GPU instance into a custom image; CREATING until AVAILABLE or FAILED. */
  createImage(params: CreateImageRequest, opts?: CallOptions): Promise<CreateImageResponse> {
    return this.call('CreateImage', params, opts);
  }

  /** Lists the public images and the caller's custom images usable in a zone. */
  describeImages(params: DescribeImagesRequest, opts?: CallOptions): Promise<DescribeImagesResponse> {
    return this.call('DescribeImages', params, opts);
  }

  /** Lists the caller's custom images, in every region or in one. */
  describeCustomImages(params: DescribeCustomImagesRequest = {}, opts?: CallOptions): Promise<DescribeCustomImagesResponse> {
    return this.call('DescribeCustomImages', params, opts);
  }

  /** Renames custom images or changes their description; one unknown id changes none of them. */
  modifyImagesAttributes(params: ModifyImagesAttributesRequest, opts?: CallOptions): Promise<ModifyImagesAttributesResponse> {
    return this.call('ModifyImagesAttributes', params, opts);
  }

  /** Deletes custom images; answers with the ids that could not be deleted yet (empty: all deleted). */
  deleteImages(params: DeleteImagesRequest, opts?: CallOptions): Promise<DeleteImagesResponse> {
    return this.call('DeleteImages', params, opts);
  }

  /** Copies a custom image to other regions (same id); SYNCING there until AVAILABLE or FAILED. */
  copyImage(params: CopyImageRequest, opts?: CallOptions): Promise<CopyImageResponse> {
    return this.call('CopyImage', params, opts);
  }

  /** Progress of the copies of a custom image still syncing, per target region. */
  describeImageCopyProgress(params: DescribeImageCopyProgressRequest, opts?: CallOptions): Promise<DescribeImageCopyProgressResponse> {
    return this.call('DescribeImageCopyProgress', params, opts);
  }

  /** Deletes a custom image's copies in some regions; at least one region keeps it. */
  deleteImageCopy(params: DeleteImageCopyRequest, opts?: CallOptions): Promise<DeleteImageCopyResponse> {
    return this.call('DeleteImageCopy', params, opts);
  }

  /** Creates instances from an image; DEPLOYING until their disks hold it, then RUNNING. */
  createZecInstances(params: CreateZecInstancesRequest, opts?: CallOptions): Promise<CreateZecInstancesResponse> {
    return this.call('CreateZecInstances', params, opts);
  }

  /** Lists the caller's instances. */
  describeInstances(params: DescribeInstancesRequest = {}, opts?: CallOptions): Promise<DescribeInstancesResponse> {
    return this.call('DescribeInstances', params, opts);
  }

  /** The status of the caller's instances. */
  describeInstancesStatus(params: DescribeInstancesStatusRequest = {}, opts?: CallOptions): Promise<DescribeInstancesStatusResponse> {
    return this.call('DescribeInstancesStatus', params, opts);
  }

  /** Starts stopped instances; answers with the ids that failed. */
  startInstances(params: StartInstancesRequest, opts?: CallOptions): Promise<StartInstancesResponse> {
    return this.call('StartInstances', params, opts);
  }

  /** Stops running instances; answers with the ids that failed. */
  stopInstances(params: StopInstancesRequest, opts?: CallOptions): Promise<StopInstancesResponse> {
    return this.call('StopInstances', params, opts);
  }

  /** Reboots running instances; answers with the ids that failed. */
  rebootInstances(params: RebootInstancesRequest, opts?: CallOptions): Promise<RebootInstancesResponse> {
    return this.call('RebootInstances', params, opts);
  }

  /** Deletes instances and their disks; answers with the ids that failed. */
  releaseInstances(params: ReleaseInstancesRequest, opts?: CallOptions): Promise<ReleaseInstancesResponse> {
    return this.call('ReleaseInstances', params, opts);
  }

  /** The zones served here (KILN_ZC_REGIONS). */
  describeZones(params: DescribeZonesRequest = {}, opts?: CallOptions): Promise<DescribeZonesResponse> {
    return this.call('DescribeZones', params, opts);
  }

  /** The CPU instance types offered in each zone. */
  describeZoneInstanceConfigInfos(params: DescribeZoneInstanceConfigInfosRequest = {}, opts?: CallOptions): Promise<DescribeZoneInstanceConfigInfosResponse> {
    return this.call('DescribeZoneInstanceConfigInfos', params, opts);
  }

  /** The GPU instance types offered in each zone. */
  describeZoneGpuInstanceConfigInfos(params: DescribeZoneGpuInstanceConfigInfosRequest = {}, opts?: CallOptions): Promise<DescribeZoneGpuInstanceConfigInfosResponse> {
    return this.call('DescribeZoneGpuInstanceConfigInfos', params, opts);
  }
}
