// Generated from the action schemas by `npm run docs`; do not edit.
import type { CallOptions } from '../actions.ts';
import { UCloudClient, type UCloudClientOptions, type WithDefaults } from '../ucloud/client.ts';

/** Parameters of CreateCustomImage. */
export interface CreateCustomImageRequest {
  Region: string;
  Zone?: string;
  /** the host to capture; it must be Stopped */
  UHostId: string;
  ImageName: string;
  ImageDescription?: string;
  /** data disks to snapshot alongside */
  DataUDiskIds?: string[];
}

/** The answer of CreateCustomImage (envelope removed). */
export interface CreateCustomImageResponse {
  ImageId: string;
  DataSnapshotIds: string[];
}

/** Parameters of ImportCustomImage. */
export interface ImportCustomImageRequest {
  Region: string;
  Zone?: string;
  ImageName: string;
  /** http(s) URL the server may fetch (see KILN_IMPORT_ALLOW_HOSTS) */
  UFileUrl: string;
  /** CentOS, Ubuntu, Windows, ... */
  OsType: string;
  OsName: string;
  /** RAW, VHD, VMDK or qcow2 (any case); checked against the content */
  Format: string;
  /** must be true: authorises the import */
  Auth: boolean;
  ImageDescription?: string;
}

/** The answer of ImportCustomImage (envelope removed). */
export interface ImportCustomImageResponse {
  ImageId: string;
}

/** Parameters of DescribeImage. */
export interface DescribeImageRequest {
  Region: string;
  Zone?: string;
  ImageType?: "Base" | "Business" | "Custom";
  FuncType?: string;
  OsType?: "Linux" | "Windows";
  ImageId?: string;
  ImageIds?: string[];
  Tag?: string;
  /** Default 0. */
  Offset?: number;
  /** Default 20. */
  Limit?: number;
  PriceSet?: number;
}

/** The answer of DescribeImage (envelope removed). */
export interface DescribeImageResponse {
  TotalCount: number;
  ImageSet: Array<{
    Zone: string;
    /** `uimage-...` */
    ImageId: string;
    ImageName: string;
    Tag: string;
    /** Linux or Windows */
    OsType: string;
    OsName: string;
    ImageType: "Base" | "Business" | "Custom";
    Features: string[];
    FuncType: string;
    IntegratedSoftware: string;
    Vendor: string;
    Links: string;
    State: "Available" | "Making" | "Unavailable";
    ImageDescription: string;
    /** unix seconds */
    CreateTime: number;
    /** GB */
    ImageSize: number;
    MinimalCPU: string;
    MaintainEol: string;
    DataSnapshotIds: string[];
    SupportedGPUTypes: string[];
    SceneCategories: string[];
    PrimarySoftware: string;
    /** why the image is Unavailable (Kiln addition) */
    FailedReason?: string;
    /** virtual size in bytes (Kiln addition): ImageSize is whole GB, rounded up */
    ImageSizeBytes?: number;
  }>;
}

/** Parameters of TerminateCustomImage. */
export interface TerminateCustomImageRequest {
  Region: string;
  Zone?: string;
  ImageId: string;
}

/** The answer of TerminateCustomImage (envelope removed). */
export interface TerminateCustomImageResponse {
  ImageId: string;
}

/** Parameters of CopyCustomImage. */
export interface CopyCustomImageRequest {
  Region: string;
  Zone?: string;
  SourceImageId: string;
  /** a project of the caller's account, the current one included */
  TargetProjectId: string;
  /** the target region; the source region when absent */
  TargetRegion?: string;
  /** the source's name when absent */
  TargetImageName?: string;
  /** the source's description when absent */
  TargetImageDescription?: string;
  /** several target regions at once (batch); the answer is then Infos */
  TargetRegionList?: string[];
}

/** The answer of CopyCustomImage (envelope removed). */
export interface CopyCustomImageResponse {
  /** only when one region is copied to */
  TargetImageId?: string;
  /** only when one region is copied to */
  TaskId?: string;
  /** only for TargetRegionList */
  Infos?: Array<{
    TaskId: string;
    TargetImageId: string;
    TargetRegion: string;
  }>;
}

/** Parameters of CreateUHostInstance. */
export interface CreateUHostInstanceRequest {
  Region: string;
  Zone: string;
  ImageId: string;
  /** required with Disks.N; Password in the older form */
  LoginMode?: "Password" | "KeyPair" | "ImagePasswd";
  /** base64; required with LoginMode Password */
  Password?: string;
  /** required with LoginMode KeyPair */
  KeyPairId?: string;
  /** Default "UHost". */
  Name?: string;
  Tag?: string;
  /** Default "Month". */
  ChargeType?: "Year" | "Month" | "Dynamic" | "Postpay" | "Preemptive" | "Spot";
  /** Default 4. */
  CPU?: number;
  /** MB Default 8192. */
  Memory?: number;
  GpuType?: string;
  /** Default 0. */
  GPU?: number;
  MachineType?: string;
  /** older form: N2, Normal, SATA_SSD, BigData, GPU, ... */
  UHostType?: string;
  /** older form */
  HostType?: "N1" | "N2";
  VPCId?: string;
  SubnetId?: string;
  /** the system disk and any data disks; or the older StorageType/BootDiskSpace/DiskSpace */
  Disks?: Array<{
    /** True for the system disk */
    IsBoot: boolean;
    /** CLOUD_SSD, CLOUD_RSSD, ... */
    Type: string;
    /** GB */
    Size: number;
    SnapshotId?: string;
  }>;
  /** older form, without Disks.N: the type of both disks (default LocalDisk) */
  StorageType?: "LocalDisk" | "UDisk";
  /** older form: the system disk, GB (default 20) */
  BootDiskSpace?: number;
  /** older form: a data disk, GB (none when absent or 0) */
  DiskSpace?: number;
}

/** The answer of CreateUHostInstance (envelope removed). */
export interface CreateUHostInstanceResponse {
  UHostIds: string[];
  IPs: string[];
}

/** Parameters of DescribeUHostInstance. */
export interface DescribeUHostInstanceRequest {
  Region: string;
  Zone?: string;
  UHostIds?: string[];
  Tag?: string;
  /** Default 0. */
  Offset?: number;
  /** Default 20. */
  Limit?: number;
}

/** The answer of DescribeUHostInstance (envelope removed). */
export interface DescribeUHostInstanceResponse {
  TotalCount: number;
  UHostSet: Array<{
    Zone: string;
    UHostId: string;
    /** the older machine-type family: Normal, SSD, BigData or GPU (uhost-type.ts) */
    UHostType: string;
    MachineType: string;
    CpuPlatform: string;
    StorageType: string;
    ImageId: string;
    BasicImageId: string;
    BasicImageName: string;
    Tag: string;
    Remark: string;
    Name: string;
    /** Initializing, Running, Stopped, Installing (reinstall) or Install Fail */
    State: string;
    CreateTime: number;
    ChargeType: string;
    ExpireTime: number;
    CPU: number;
    /** MB */
    Memory: number;
    AutoRenew: string;
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
      BackupType: string;
    }>;
    IPSet: unknown[];
    NetworkState: string;
    OsName: string;
    OsType: string;
    /** N1 or N2, the series generation */
    HostType: string;
    LifeCycle: string;
    GPU: number;
    GpuType: string;
    BootDiskState: string;
    /** GB of data disks */
    TotalDiskSpace: number;
    IsolationGroup: string;
    HotplugFeature: boolean;
    CloudInitFeature: boolean;
    IPv6Feature: boolean;
  }>;
}

/** Parameters of StopUHostInstance. */
export interface StopUHostInstanceRequest {
  Region: string;
  Zone?: string;
  UHostId: string;
  DiskPassword?: string;
}

/** The answer of StopUHostInstance (envelope removed). */
export interface StopUHostInstanceResponse {
  UHostId: string;
}

/** Parameters of PoweroffUHostInstance. */
export interface PoweroffUHostInstanceRequest {
  Region: string;
  Zone?: string;
  UHostId: string;
  DiskPassword?: string;
}

/** The answer of PoweroffUHostInstance (envelope removed). */
export interface PoweroffUHostInstanceResponse {
  UHostId: string;
}

/** Parameters of StartUHostInstance. */
export interface StartUHostInstanceRequest {
  Region: string;
  Zone?: string;
  UHostId: string;
  DiskPassword?: string;
}

/** The answer of StartUHostInstance (envelope removed). */
export interface StartUHostInstanceResponse {
  UHostId: string;
}

/** Parameters of TerminateUHostInstance. */
export interface TerminateUHostInstanceRequest {
  Region: string;
  Zone?: string;
  UHostId: string;
  /** Default false. */
  ReleaseEIP?: boolean;
  /** Default false. */
  ReleaseUDisk?: boolean;
}

/** The answer of TerminateUHostInstance (envelope removed). */
export interface TerminateUHostInstanceResponse {
  UHostId: string;
  InRecycle: "Yes" | "No";
}

/** Parameters of ReinstallUHostInstance. */
export interface ReinstallUHostInstanceRequest {
  Region: string;
  Zone?: string;
  UHostId: string;
  /** the host's current image when absent */
  ImageId?: string;
  /** base64; required when the host logs in with a password */
  Password?: string;
  /** as at create; it cannot change */
  LoginMode?: "Password" | "KeyPair" | "ImagePasswd";
  KeyPairId?: string;
  /** Yes keeps the data disks; No gives them back empty Default "Yes". */
  ReserveDisk?: "Yes" | "No";
  ResourceType?: number;
  DNSServers?: string[];
}

/** The answer of ReinstallUHostInstance (envelope removed). */
export interface ReinstallUHostInstanceResponse {
  UHostId: string;
  /** the same id, as the SDK structs spell it */
  UhostId: string;
}

/** Parameters of RebootUHostInstance. */
export interface RebootUHostInstanceRequest {
  Region: string;
  Zone?: string;
  UHostId: string;
  DiskPassword?: string;
}

/** The answer of RebootUHostInstance (envelope removed). */
export interface RebootUHostInstanceResponse {
  UHostId: string;
}

/** Parameters of ResizeUHostInstance. */
export interface ResizeUHostInstanceRequest {
  Region: string;
  Zone?: string;
  UHostId: string;
  CPU?: number;
  /** MB */
  Memory?: number;
  /** GB; the system disk, which cannot shrink */
  BootDiskSpace?: number;
  /** GB; the data disk (of a host with one), which cannot shrink */
  DiskSpace?: number;
  /** accepted; the local driver has no network to scale */
  NetCapValue?: number;
}

/** The answer of ResizeUHostInstance (envelope removed). */
export interface ResizeUHostInstanceResponse {
  UHostId: string;
  /** the same id, as the SDK structs spell it */
  UhostId: string;
}

/** Parameters of ResetUHostInstancePassword. */
export interface ResetUHostInstancePasswordRequest {
  Region: string;
  Zone?: string;
  UHostId: string;
  /** base64 */
  Password: string;
}

/** The answer of ResetUHostInstancePassword (envelope removed). */
export interface ResetUHostInstancePasswordResponse {
  UHostId: string;
  /** the same id, as the SDK structs spell it */
  UhostId: string;
}

/** Parameters of ModifyUHostInstanceName. */
export interface ModifyUHostInstanceNameRequest {
  Region: string;
  Zone?: string;
  UHostId: string;
  /** Default "UHost". */
  Name?: string;
}

/** The answer of ModifyUHostInstanceName (envelope removed). */
export interface ModifyUHostInstanceNameResponse {
  UHostId: string;
  /** the same id, as the SDK structs spell it */
  UhostId: string;
}

/** Parameters of GetRestResource. */
export interface GetRestResourceRequest {
  Region: string;
  Zone?: string;
  /** the host to be resized; without it only ResourceInfos is answered */
  UHostId?: string;
  /** the wanted CPU count; the current one when absent */
  CPU?: number;
  /** the wanted memory, MB; the current one when absent */
  Memory?: number;
  /** the wanted system disk size, GB; disks never shrink */
  BootDiskSpace?: number;
  /** the wanted data disk size, GB (of a host with one data disk) */
  DiskSpace?: number;
  /** without UHostId: the kind of resource asked about Default "GPU". */
  ResourceType?: "Normal" | "SSD" | "BigData" | "GPU";
}

/** The answer of GetRestResource (envelope removed). */
export interface GetRestResourceResponse {
  /** true when ResizeUHostInstance of the host to that size would be accepted now (state, limits, quota) */
  UpgradeStatus: boolean;
  ResourceInfos: Array<{
    Region: string;
    Zone: string;
    UHostType: string;
  }>;
}

/** Every UHost action: its parameters and its answer. */
export interface UHostActions {
  CreateCustomImage: { request: CreateCustomImageRequest; response: CreateCustomImageResponse };
  ImportCustomImage: { request: ImportCustomImageRequest; response: ImportCustomImageResponse };
  DescribeImage: { request: DescribeImageRequest; response: DescribeImageResponse };
  TerminateCustomImage: { request: TerminateCustomImageRequest; response: TerminateCustomImageResponse };
  CopyCustomImage: { request: CopyCustomImageRequest; response: CopyCustomImageResponse };
  CreateUHostInstance: { request: CreateUHostInstanceRequest; response: CreateUHostInstanceResponse };
  DescribeUHostInstance: { request: DescribeUHostInstanceRequest; response: DescribeUHostInstanceResponse };
  StopUHostInstance: { request: StopUHostInstanceRequest; response: StopUHostInstanceResponse };
  PoweroffUHostInstance: { request: PoweroffUHostInstanceRequest; response: PoweroffUHostInstanceResponse };
  StartUHostInstance: { request: StartUHostInstanceRequest; response: StartUHostInstanceResponse };
  TerminateUHostInstance: { request: TerminateUHostInstanceRequest; response: TerminateUHostInstanceResponse };
  ReinstallUHostInstance: { request: ReinstallUHostInstanceRequest; response: ReinstallUHostInstanceResponse };
  RebootUHostInstance: { request: RebootUHostInstanceRequest; response: RebootUHostInstanceResponse };
  ResizeUHostInstance: { request: ResizeUHostInstanceRequest; response: ResizeUHostInstanceResponse };
  ResetUHostInstancePassword: { request: ResetUHostInstancePasswordRequest; response: ResetUHostInstancePasswordResponse };
  ModifyUHostInstanceName: { request: ModifyUHostInstanceNameRequest; response: ModifyUHostInstanceNameResponse };
  GetRestResource: { request: GetRestResourceRequest; response: GetRestResourceResponse };
}

/** Which calls only read (and so are retried after network errors and throttling). */
export const uhostActionMeta = {
  CreateCustomImage: { readOnly: false },
  ImportCustomImage: { readOnly: false },
  DescribeImage: { readOnly: true },
  TerminateCustomImage: { readOnly: false },
  CopyCustomImage: { readOnly: false },
  CreateUHostInstance: { readOnly: false },
  DescribeUHostInstance: { readOnly: true },
  StopUHostInstance: { readOnly: false },
  PoweroffUHostInstance: { readOnly: false },
  StartUHostInstance: { readOnly: false },
  TerminateUHostInstance: { readOnly: false },
  ReinstallUHostInstance: { readOnly: false },
  RebootUHostInstance: { readOnly: false },
  ResizeUHostInstance: { readOnly: false },
  ResetUHostInstancePassword: { readOnly: false },
  ModifyUHostInstanceName: { readOnly: false },
  GetRestResource: { readOnly: true },
} as const;

/** One typed method per UHost action. */
export class UHostApi extends UCloudClient<UHostActions> {
  constructor(options: UCloudClientOptions) {
    super(options, uhostActionMeta);
  }

  /** Captures a stopped host (and optionally its data disks) into a custom image; poll DescribeImage until State is Available. */
  createCustomImage(params: WithDefaults<CreateCustomImageRequest>, opts?: CallOptions): Promise<CreateCustomImageResponse> {
    return this.call('CreateCustomImage', params, opts);
  }

  /** Imports a disk image from a URL into a custom image; poll DescribeImage until State is Available. */
  importCustomImage(params: WithDefaults<ImportCustomImageRequest>, opts?: CallOptions): Promise<ImportCustomImageResponse> {
    return this.call('ImportCustomImage', params, opts);
  }

  /** Lists the base images and the caller's custom images in the region asked, newest first (Zone is checked, not filtered on: images are regional). */
  describeImage(params: WithDefaults<DescribeImageRequest> = {}, opts?: CallOptions): Promise<DescribeImageResponse> {
    return this.call('DescribeImage', params, opts);
  }

  /** Deletes one of the caller's custom images. */
  terminateCustomImage(params: WithDefaults<TerminateCustomImageRequest>, opts?: CallOptions): Promise<TerminateCustomImageResponse> {
    return this.call('TerminateCustomImage', params, opts);
  }

  /** Copies a custom image to a region and project of the account (its own too: a duplicate); the copy is Making until its task commits it. */
  copyCustomImage(params: WithDefaults<CopyCustomImageRequest>, opts?: CallOptions): Promise<CopyCustomImageResponse> {
    return this.call('CopyCustomImage', params, opts);
  }

  /** Creates a host from an image; it is Initializing until its disks hold the image, then Running. */
  createUHostInstance(params: WithDefaults<CreateUHostInstanceRequest>, opts?: CallOptions): Promise<CreateUHostInstanceResponse> {
    return this.call('CreateUHostInstance', params, opts);
  }

  /** Lists the caller's hosts in a region. */
  describeUHostInstance(params: WithDefaults<DescribeUHostInstanceRequest> = {}, opts?: CallOptions): Promise<DescribeUHostInstanceResponse> {
    return this.call('DescribeUHostInstance', params, opts);
  }

  /** Stops a running host. */
  stopUHostInstance(params: WithDefaults<StopUHostInstanceRequest>, opts?: CallOptions): Promise<StopUHostInstanceResponse> {
    return this.call('StopUHostInstance', params, opts);
  }

  /** Stops a running host. */
  poweroffUHostInstance(params: WithDefaults<PoweroffUHostInstanceRequest>, opts?: CallOptions): Promise<PoweroffUHostInstanceResponse> {
    return this.call('PoweroffUHostInstance', params, opts);
  }

  /** Starts a stopped host. */
  startUHostInstance(params: WithDefaults<StartUHostInstanceRequest>, opts?: CallOptions): Promise<StartUHostInstanceResponse> {
    return this.call('StartUHostInstance', params, opts);
  }

  /** Deletes a host and its disks. */
  terminateUHostInstance(params: WithDefaults<TerminateUHostInstanceRequest>, opts?: CallOptions): Promise<TerminateUHostInstanceResponse> {
    return this.call('TerminateUHostInstance', params, opts);
  }

  /** Gives a stopped host a new system disk from a base or custom image; Installing until written, then Running. */
  reinstallUHostInstance(params: WithDefaults<ReinstallUHostInstanceRequest>, opts?: CallOptions): Promise<ReinstallUHostInstanceResponse> {
    return this.call('ReinstallUHostInstance', params, opts);
  }

  /** Reboots a running host. */
  rebootUHostInstance(params: WithDefaults<RebootUHostInstanceRequest>, opts?: CallOptions): Promise<RebootUHostInstanceResponse> {
    return this.call('RebootUHostInstance', params, opts);
  }

  /** Changes a stopped host's CPU and memory and grows its system (BootDiskSpace) or data (DiskSpace) disk; disks never shrink. */
  resizeUHostInstance(params: WithDefaults<ResizeUHostInstanceRequest>, opts?: CallOptions): Promise<ResizeUHostInstanceResponse> {
    return this.call('ResizeUHostInstance', params, opts);
  }

  /** Sets a stopped host's login password (base64). */
  resetUHostInstancePassword(params: WithDefaults<ResetUHostInstancePasswordRequest>, opts?: CallOptions): Promise<ResetUHostInstancePasswordResponse> {
    return this.call('ResetUHostInstancePassword', params, opts);
  }

  /** Renames a host. */
  modifyUHostInstanceName(params: WithDefaults<ModifyUHostInstanceNameRequest>, opts?: CallOptions): Promise<ModifyUHostInstanceNameResponse> {
    return this.call('ModifyUHostInstanceName', params, opts);
  }

  /** Whether ResizeUHostInstance would accept this host at this CPU, memory and disk size now (UpgradeStatus); without UHostId, the zones that have resources of a type. */
  getRestResource(params: WithDefaults<GetRestResourceRequest> = {}, opts?: CallOptions): Promise<GetRestResourceResponse> {
    return this.call('GetRestResource', params, opts);
  }
}
