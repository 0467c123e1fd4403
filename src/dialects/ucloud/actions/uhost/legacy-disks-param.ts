import { diskField, isKilnError, KilnError } from '../../../../core/errors.ts';
import type { DiskRequest } from '../../../../core/instances/instance-service.ts';
import { enumOf, int } from '../../protocol/param-schema.ts';

/**
 * The older CreateUHostInstance disk parameters (create_uhost_instance_old.md), which the
 * current page still lists in its example and older scripts and generated clients send:
 * one StorageType for both disks, the system disk's size and an optional data disk's size.
 */
export const legacyDiskParams = {
  StorageType: enumOf(['LocalDisk', 'UDisk'] as const, { doc: 'older form, without Disks.N: the type of both disks (default LocalDisk)' }),
  BootDiskSpace: int({ min: 1, max: 32_000, doc: 'older form: the system disk, GB (default 20)' }),
  DiskSpace: int({ min: 0, max: 32_000, doc: 'older form: a data disk, GB (none when absent or 0)' }),
};

/** The system disk of the older form when BootDiskSpace is not sent: the vendor's Linux default. */
const DEFAULT_BOOT_GB = 20;

/** Disk types the older form stands for: LocalDisk is the normal local disk, UDisk the normal cloud disk. */
const typeOf = { LocalDisk: 'LOCAL_NORMAL', UDisk: 'CLOUD_NORMAL' } as const;

export function legacyDiskRequests(p: {
  StorageType?: 'LocalDisk' | 'UDisk' | undefined;
  BootDiskSpace?: number | undefined;
  DiskSpace?: number | undefined;
}): DiskRequest[] {
  const type = typeOf[p.StorageType ?? 'LocalDisk'];
  const disks: DiskRequest[] = [{ isBoot: true, type, sizeGb: p.BootDiskSpace ?? DEFAULT_BOOT_GB }];
  if (p.DiskSpace) disks.push({ isBoot: false, type, sizeGb: p.DiskSpace });
  return disks;
}

/**
 * Core blames a disk by its place in the request (`disks.0.size`); a caller of the older
 * form sent no Disks.N, so the error names the parameter it did send.
 */
export function inLegacyTerms(e: unknown): unknown {
  if (!isKilnError(e) || e.param === undefined) return e;
  const disk = diskField(e.param);
  if (disk?.part !== 'size') return e;
  return new KilnError(e.code, e.message, disk.index === 0 ? 'BootDiskSpace' : 'DiskSpace');
}

/**
 * Disks.N and the older parameters describe the same disks twice; a request with both is
 * refused rather than one silently ignored.
 */
export function refuseMixedDiskForms(p: { StorageType?: string | undefined; BootDiskSpace?: number | undefined; DiskSpace?: number | undefined }): void {
  const older = (['StorageType', 'BootDiskSpace', 'DiskSpace'] as const).find((k) => p[k] !== undefined);
  if (older)
    throw new KilnError(
      'InvalidParameter',
      `${older} belongs to the older form without Disks.N; send either Disks.N or StorageType/BootDiskSpace/DiskSpace`,
      older,
    );
}

/** UHostType as the older page lets it be sent (Normal, SATA_SSD, BigData, GPU), resolved with HostType (N1|N2) as the vendor does. */
export function resolveUHostType(uHostType: string | undefined, hostType: 'N1' | 'N2' | undefined): string | undefined {
  const series = hostType === 'N1' ? '1' : '2';
  switch (uHostType) {
    case 'Normal':
      return `N${series}`;
    case 'SATA_SSD':
      return `I${series}`;
    case 'GPU':
      return `G${series}`;
    case 'BigData':
      return 'D1';
    default:
      return uHostType;
  }
}
