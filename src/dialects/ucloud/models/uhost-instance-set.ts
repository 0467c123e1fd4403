import type { Disk, Image, Instance } from '../../../core/model.ts';
import { dataDiskSpaceGb, toDiskSetEntry } from './disk-set.ts';

const stateNames: Record<Instance['state'], string> = {
  initializing: 'Initializing',
  running: 'Running',
  stopped: 'Stopped',
  install_fail: 'Install Fail',
};

/** UHostInstanceSet as DescribeUHostInstance returns it (uhost/describe_uhost_instance.md). */
export function toUHostInstanceSet(i: Instance, disks: Disk[], image: Image | undefined) {
  return {
    Zone: i.zone,
    UHostId: i.id,
    UHostType: 'N2',
    MachineType: i.gpuCount > 0 ? 'G' : 'N',
    CpuPlatform: 'Intel/Auto',
    StorageType: 'UDisk',
    ImageId: i.imageId,
    BasicImageId: image?.kind === 'base' ? image.id : '',
    BasicImageName: image?.kind === 'base' ? image.name : '',
    Tag: 'Default',
    Remark: '',
    Name: i.name,
    State: stateNames[i.state],
    CreateTime: Math.floor(i.createdAt / 1000),
    ChargeType: typeof i.attributes.chargeType === 'string' ? i.attributes.chargeType : 'Month',
    ExpireTime: 0,
    CPU: i.cpu,
    Memory: i.memoryMb,
    AutoRenew: 'No',
    DiskSet: disks.map((d) => ({ ...toDiskSetEntry(d), BackupType: 'NONE' })),
    IPSet: [],
    NetworkState: 'Connected',
    OsName: i.osName,
    OsType: i.osType,
    HostType: 'N2',
    LifeCycle: 'Normal',
    GPU: i.gpuCount,
    GpuType: i.gpuType ?? '',
    BootDiskState: i.state === 'initializing' ? 'Initializing' : 'Normal',
    TotalDiskSpace: dataDiskSpaceGb(disks),
    IsolationGroup: '',
    HotplugFeature: false,
    CloudInitFeature: true,
    IPv6Feature: false,
  };
}
