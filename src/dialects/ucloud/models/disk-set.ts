import { Type, type Static } from '@sinclair/typebox';
import type { Disk } from '../../../core/model.ts';
import { literals } from '../../schema/fields.ts';

const GiB = 1024 ** 3;

/** A DiskSet entry of UHost and CompShare instance listings. */
export const DiskSetEntry = Type.Object({
  DiskType: Type.String(),
  IsBoot: literals(['True', 'False']),
  Encrypted: Type.String(),
  Type: literals(['Boot', 'Data']),
  DiskId: Type.String(),
  Name: Type.String(),
  Drive: Type.String(),
  Size: Type.Integer({ description: 'GB' }),
});

/** A disk as UHost and CompShare instance listings show it (DiskSet entries). */
export function toDiskSetEntry(d: Disk): Static<typeof DiskSetEntry> {
  return {
    DiskType: d.type,
    IsBoot: d.isBoot ? ('True' as const) : ('False' as const),
    Encrypted: 'false',
    Type: d.isBoot ? ('Boot' as const) : ('Data' as const),
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
