import type { DiskRequest } from '../../../../core/instances/instance-service.ts';
import { bool, int, objArray, str } from '../../protocol/param-schema.ts';

/** Disks.N.{IsBoot,Type,Size,SnapshotId}; CreateUHostInstance and CreateCompShareInstance take the same list. */
const diskFields = {
  IsBoot: bool({ required: true, doc: 'True for the system disk' }),
  Type: str({ required: true, doc: 'CLOUD_SSD, CLOUD_RSSD, ...' }),
  Size: int({ required: true, min: 1, max: 32_000, doc: 'GB' }),
  SnapshotId: str(),
};

export const disksParam = objArray(diskFields, { required: true, doc: 'the system disk and any data disks' });

/** CreateUHostInstance: Disks.N, or (absent) the older StorageType/BootDiskSpace/DiskSpace form. */
export const optionalDisksParam = objArray(diskFields, { doc: 'the system disk and any data disks; or the older StorageType/BootDiskSpace/DiskSpace' });

export function toDiskRequests(disks: Array<{ IsBoot: boolean; Type: string; Size: number; SnapshotId?: string | undefined }>): DiskRequest[] {
  // Kept in request order: core blames a disk by its index (`disks.1.size`), which the
  // error map spells `Disks.1.Size`.
  return disks.map((d) => ({ isBoot: d.IsBoot, type: d.Type, sizeGb: d.Size, ...(d.SnapshotId ? { snapshotId: d.SnapshotId } : {}) }));
}
