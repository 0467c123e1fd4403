import type { UHostClient } from 'kiln-images-sdk';
import { UsageError } from '../images/exit.ts';
import type { CreateRequest, DiskRow, InstanceRow, ProductInstances } from './product-instances.ts';
import { gpuText, noInstance, ucloudState, unixTime } from './rows.ts';

type Host = Awaited<ReturnType<UHostClient['describeUHostInstance']>>['UHostSet'][number];

/** A DiskSet entry; UHost's and CompShare's differ only in fields this does not read. */
export function ucloudDisk(d: Pick<Host['DiskSet'][number], 'DiskId' | 'IsBoot' | 'DiskType' | 'Size'>): DiskRow {
  return { id: d.DiskId, boot: d.IsBoot === 'True', type: d.DiskType, sizeGb: d.Size, record: d };
}

/** Disks.N as both UCloud products take it. */
export function ucloudDisks(r: CreateRequest): Array<{ IsBoot: boolean; Type: string; Size: number }> {
  // Kiln makes a system disk at least as large as its image, so the smallest size asks for "the image's size".
  const disks = [{ IsBoot: true, Type: 'CLOUD_SSD', Size: r.bootGb ?? 1 }];
  if (r.dataGb !== undefined) disks.push({ IsBoot: false, Type: 'CLOUD_SSD', Size: r.dataGb });
  return disks;
}

/** LoginMode and Password as both UCloud products take them: the image's own password unless one is given. */
export function ucloudLogin(r: CreateRequest): { LoginMode: 'Password'; Password: string } | { LoginMode: 'ImagePasswd' } {
  return r.password !== undefined ? { LoginMode: 'Password', Password: Buffer.from(r.password).toString('base64') } : { LoginMode: 'ImagePasswd' };
}

/** A host of either UCloud product as a row; they name the image field differently. */
export function ucloudHostRow(
  h: Pick<Host, 'UHostId' | 'Name' | 'State' | 'Zone' | 'CPU' | 'Memory' | 'GPU' | 'GpuType' | 'CreateTime'> & { DiskSet: Parameters<typeof ucloudDisk>[0][] },
  image: string,
): InstanceRow {
  return {
    id: h.UHostId,
    name: h.Name,
    state: ucloudState(h.State),
    zone: h.Zone,
    image,
    cpu: h.CPU,
    memoryMb: h.Memory,
    gpu: gpuText(h.GPU, h.GpuType),
    created: unixTime(h.CreateTime),
    disks: h.DiskSet.map(ucloudDisk),
    record: h,
  };
}

export function uhostInstances(c: UHostClient, profileZone: string | undefined): ProductInstances {
  const row = (h: Host): InstanceRow => ucloudHostRow(h, h.ImageId);
  return {
    product: 'uhost',
    list: async (limit) => (await c.describeUHostInstance({ Limit: Math.min(limit, 100) })).UHostSet.map(row),
    show: async (id) => row((await c.describeUHostInstance({ UHostIds: [id] })).UHostSet[0] ?? noInstance(id)),
    create: async (r) => {
      const zone = r.zone ?? profileZone;
      if (!zone) throw new UsageError("CreateUHostInstance names a zone: --zone, KILN_ZONE or the profile's zone (e.g. cn-bj2-04)");
      if (r.type !== undefined || r.subnet !== undefined) throw new UsageError('--type and --subnet are ZEC options; a UHost is sized with --cpu and --memory');
      const { UHostIds } = await c.createUHostInstance({
        Zone: zone,
        ImageId: r.image,
        ...ucloudLogin(r),
        ...(r.name !== undefined ? { Name: r.name } : {}),
        ...(r.cpu !== undefined ? { CPU: r.cpu } : {}),
        ...(r.memoryMb !== undefined ? { Memory: r.memoryMb } : {}),
        ...(r.gpu !== undefined ? { GPU: r.gpu } : {}),
        ...(r.gpuType !== undefined ? { GpuType: r.gpuType } : {}),
        Disks: ucloudDisks(r),
      });
      return UHostIds[0]!;
    },
    stop: async (id) => void (await c.stopUHostInstance({ UHostId: id })),
    start: async (id) => void (await c.startUHostInstance({ UHostId: id })),
    remove: async (id) => void (await c.terminateUHostInstance({ UHostId: id })),
    // ResizeUHostInstance names the system disk BootDiskSpace and the data disk DiskSpace.
    growDisk: async (id, disk, sizeGb) =>
      void (await c.resizeUHostInstance({ UHostId: id, ...(disk.boot ? { BootDiskSpace: sizeGb } : { DiskSpace: sizeGb }) })),
  };
}
