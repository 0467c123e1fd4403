import type { Disk } from '../../../core/model.ts';

const GiB = 1024 ** 3;

/** A disk as UHost and CompShare instance listings show it (DiskSet entries). */
export function toDiskSetEntry(d: Disk) {
  return {
    DiskType: d.type,
    IsBoot: d.isBoot ? 'True' : 'False',
    Encrypted: 'false',
    Type: d.isBoot ? 'Boot' : 'Data',
    DiskId: d.id,
    Name: '',
    Drive: d.isBoot ? 'vda' : `vd${String.fromCharCode(97 + d.index)}`,
    Size: Math.ceil(d.sizeBytes / GiB),
  };
}

/** TotalDiskSpace: the data disks' size in GB. */
export function dataDiskSpaceGb(disks: Disk[]): number {
  return Math.ceil(disks.filter((d) => !d.isBoot).reduce((n, d) => n + d.sizeBytes, 0) / GiB);
}
