import { Type, type Static } from '@sinclair/typebox';
import type { Disk, Image, Instance } from '../../../core/model.ts';
import { dataDiskSpaceGb, DiskSetEntry, toDiskSetEntry } from './disk-set.ts';

const stateNames: Record<Instance['state'], string> = {
  initializing: 'Initializing',
  running: 'Running',
  stopped: 'Stopped',
  deploy_failed: 'Install Fail',
  // A reinstall in progress: the vendor's consoles show the host installing.
  reinstalling: 'Installing',
};

const imageStatus: Record<Image['state'], string> = { making: 'Making', available: 'Available', unavailable: 'UnAvailable' };

const S = Type.String();
const I = Type.Integer();

/** CompShareInstanceSet (describe_comp_share_instance.md). */
export const CompShareInstanceSet = Type.Object({
  Zone: S,
  StopSchedulerTime: I,
  UHostId: S,
  MachineType: S,
  CpuPlatform: S,
  CompShareImageId: S,
  CompShareImageName: S,
  CompShareImageOwnerAlias: S,
  CompShareImageBillId: S,
  CompShareImageStatus: S,
  CompShareImageType: Type.String({ description: 'System, Custom or Community' }),
  InstanceType: S,
  Password: S,
  SshLoginCommand: S,
  Name: S,
  Tag: S,
  Remark: S,
  State: Type.String({ description: 'Initializing, Running, Stopped, Installing (reinstall) or Install Fail' }),
  ChargeType: S,
  CPU: I,
  Memory: Type.Integer({ description: 'MB' }),
  GpuType: S,
  GPU: I,
  AutoRenew: S,
  IsExpire: S,
  OsName: S,
  OsType: S,
  TotalDiskSpace: I,
  CpuArch: S,
  DiskSet: Type.Array(DiskSetEntry),
  IPSet: Type.Array(Type.Unknown()),
  Softwares: Type.Array(Type.Unknown()),
  CreateTime: I,
  UpdateTime: I,
  ExpireTime: I,
  SupportWithoutGpuStart: Type.Boolean(),
});

/** CompShareInstanceSet as DescribeCompShareInstance returns it. */
export function toCompShareInstanceSet(i: Instance, disks: Disk[], image: Image | undefined, callerProjectId: string): Static<typeof CompShareInstanceSet> {
  const imageType = image === undefined ? '' : image.kind === 'base' ? 'System' : image.projectId === callerProjectId ? 'Custom' : 'Community';
  return {
    Zone: i.zone,
    StopSchedulerTime: 0,
    UHostId: i.id,
    MachineType: typeof i.attributes.machineType === 'string' && i.attributes.machineType ? i.attributes.machineType : 'G',
    CpuPlatform: typeof i.attributes.minimalCpuPlatform === 'string' && i.attributes.minimalCpuPlatform ? i.attributes.minimalCpuPlatform : 'Intel/Auto',
    CompShareImageId: i.imageId,
    CompShareImageName: image?.name ?? '',
    CompShareImageOwnerAlias: image === undefined ? '' : image.kind === 'base' ? 'Official' : 'Community',
    CompShareImageBillId: '',
    CompShareImageStatus: image ? imageStatus[image.state] : '',
    CompShareImageType: imageType,
    InstanceType: 'UHost',
    Password: '',
    SshLoginCommand: '',
    Name: i.name,
    Tag: 'Default',
    Remark: '',
    State: stateNames[i.state],
    ChargeType: typeof i.attributes.chargeType === 'string' ? i.attributes.chargeType : 'Month',
    CPU: i.cpu,
    Memory: i.memoryMb,
    GpuType: i.gpuType ?? '',
    GPU: i.gpuCount,
    AutoRenew: 'No',
    IsExpire: 'No',
    OsName: i.osName,
    OsType: i.osType,
    TotalDiskSpace: dataDiskSpaceGb(disks),
    CpuArch: 'x86_64',
    DiskSet: disks.map((d) => ({ ...toDiskSetEntry(d) })),
    IPSet: [],
    Softwares: [],
    CreateTime: Math.floor(i.createdAt / 1000),
    UpdateTime: Math.floor(i.updatedAt / 1000),
    ExpireTime: 0,
    SupportWithoutGpuStart: false,
  };
}
