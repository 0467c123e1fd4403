import type { Disk, Image, Instance } from '../../../core/model.ts';
import { dataDiskSpaceGb, toDiskSetEntry } from './disk-set.ts';

const stateNames: Record<Instance['state'], string> = {
  initializing: 'Initializing',
  running: 'Running',
  stopped: 'Stopped',
  install_fail: 'Install Fail',
};

const imageStatus: Record<Image['state'], string> = { making: 'Making', available: 'Available', unavailable: 'UnAvailable' };

/** CompShareInstanceSet as DescribeCompShareInstance returns it (describe_comp_share_instance.md). */
export function toCompShareInstanceSet(i: Instance, disks: Disk[], image: Image | undefined, callerProjectId: string) {
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
