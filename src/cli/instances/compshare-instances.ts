import type { CompShareClient } from 'kiln-images-sdk';
import { UsageError } from '../images/exit.ts';
import type { InstanceRow, ProductInstances } from './product-instances.ts';
import { noInstance } from './rows.ts';
import { ucloudDisks, ucloudHostRow, ucloudLogin } from './uhost-instances.ts';

type Host = Awaited<ReturnType<CompShareClient['describeCompShareInstance']>>['UHostSet'][number];

export function compshareInstances(c: CompShareClient): ProductInstances {
  const row = (h: Host): InstanceRow => ucloudHostRow(h, h.CompShareImageId);
  return {
    product: 'compshare',
    list: async (limit) => (await c.describeCompShareInstance({ Limit: Math.min(limit, 100) })).UHostSet.map(row),
    show: async (id) => row((await c.describeCompShareInstance({ UHostIds: [id] })).UHostSet[0] ?? noInstance(id)),
    create: async (r) => {
      if (r.type !== undefined || r.subnet !== undefined)
        throw new UsageError('--type and --subnet are ZEC options; a CompShare host is sized with --gpu, --gpu-type, --cpu and --memory');
      // CompShare is the GPU platform: one GPU unless asked otherwise, whose type the caller names.
      const gpu = r.gpu ?? 1;
      if (gpu > 0 && r.gpuType === undefined) throw new UsageError('a CompShare host with GPUs names their type: --gpu-type (e.g. 4090), or --gpu 0');
      const { UHostIds } = await c.createCompShareInstance({
        ...(r.zone !== undefined ? { Zone: r.zone } : {}),
        CompShareImageId: r.image,
        GPU: gpu,
        ...(r.gpuType !== undefined ? { GpuType: r.gpuType } : {}),
        ...ucloudLogin(r),
        ...(r.name !== undefined ? { Name: r.name } : {}),
        ...(r.cpu !== undefined ? { CPU: r.cpu } : {}),
        ...(r.memoryMb !== undefined ? { Memory: r.memoryMb } : {}),
        Disks: ucloudDisks(r),
      });
      return UHostIds[0]!;
    },
    stop: async (id) => void (await c.stopCompShareInstance({ UHostId: id })),
    start: async (id) => void (await c.startCompShareInstance({ UHostId: id })),
    remove: async (id) => void (await c.terminateCompShareInstance({ UHostId: id })),
    growDisk: async () => {
      throw new UsageError("CompShare has no action that grows a disk (ResizeUHostInstance is UHost's); `kiln instances disk ID` lists the disks");
    },
  };
}
