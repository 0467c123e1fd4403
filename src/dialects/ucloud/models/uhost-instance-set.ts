import { Type, type Static } from '@sinclair/typebox';
import type { Disk, Image, Instance } from '../../../core/model.ts';
import { dataDiskSpaceGb, DiskSetEntry, toDiskSetEntry } from './disk-set.ts';
import { hostTypeOf, seriesOf, uHostFamily } from './uhost-type.ts';

const stateNames: Record<Instance['state'], string> = {
  initializing: 'Initializing',
  running: 'Running',
  stopped: 'Stopped',
  deploy_failed: 'Install Fail',
  // A reinstall in progress: the vendor's consoles show the host installing.
  reinstalling: 'Installing',
};

const S = Type.String();
const I = Type.Integer();

/** UHostInstanceSet (uhost/describe_uhost_instance.md). */
export const UHostInstanceSet = Type.Object({
  Zone: S,
  UHostId: S,
  UHostType: Type.String({ description: 'the older machine-type family: Normal, SSD, BigData or GPU (uhost-type.ts)' }),
  MachineType: S,
  CpuPlatform: S,
  StorageType: S,
  ImageId: S,
  BasicImageId: S,
  BasicImageName: S,
  Tag: S,
  Remark: S,
  Name: S,
  State: Type.String({ description: 'Initializing, Running, Stopped, Installing (reinstall) or Install Fail' }),
  CreateTime: I,
  ChargeType: S,
  ExpireTime: I,
  CPU: I,
  Memory: Type.Integer({ description: 'MB' }),
  AutoRenew: S,
  DiskSet: Type.Array(Type.Composite([DiskSetEntry, Type.Object({ BackupType: S })])),
  IPSet: Type.Array(Type.Unknown()),
  NetworkState: S,
  OsName: S,
  OsType: S,
  HostType: Type.String({ description: 'N1 or N2, the series generation' }),
  LifeCycle: S,
  GPU: I,
  GpuType: S,
  BootDiskState: S,
  TotalDiskSpace: Type.Integer({ description: 'GB of data disks' }),
  IsolationGroup: S,
  HotplugFeature: Type.Boolean(),
  CloudInitFeature: Type.Boolean(),
  IPv6Feature: Type.Boolean(),
});

/** UHostInstanceSet as DescribeUHostInstance returns it. */
export function toUHostInstanceSet(i: Instance, disks: Disk[], basicImage: Image | undefined): Static<typeof UHostInstanceSet> {
  const attr = (name: string): string | undefined => (typeof i.attributes[name] === 'string' ? (i.attributes[name] as string) : undefined);
  const series = seriesOf(i);
  return {
    Zone: i.zone,
    UHostId: i.id,
    UHostType: uHostFamily(series),
    MachineType: attr('machineType') ?? (i.gpuCount > 0 ? 'G' : 'N'),
    CpuPlatform: 'Intel/Auto',
    // The page: LocalDisk as soon as one disk is local, whichever create form made them.
    StorageType: disks.some((d) => d.type.startsWith('LOCAL_')) ? 'LocalDisk' : 'UDisk',
    ImageId: i.imageId,
    BasicImageId: basicImage?.id ?? '',
    BasicImageName: basicImage?.name ?? '',
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
    HostType: attr('hostType') ?? hostTypeOf(series),
    LifeCycle: 'Normal',
    GPU: i.gpuCount,
    GpuType: i.gpuType ?? '',
    // A reinstall writes a new system disk: it is initializing again until that commits.
    BootDiskState: i.state === 'initializing' || i.state === 'reinstalling' ? 'Initializing' : 'Normal',
    TotalDiskSpace: dataDiskSpaceGb(disks),
    IsolationGroup: '',
    HotplugFeature: false,
    CloudInitFeature: true,
    IPv6Feature: false,
  };
}
