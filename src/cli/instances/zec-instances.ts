import type { ZecClient } from 'kiln-images-sdk';
import { UsageError } from '../images/exit.ts';
import type { DiskRow, InstanceRow, InstanceState, ProductInstances } from './product-instances.ts';
import { noInstance } from './rows.ts';

type Listed = Awaited<ReturnType<ZecClient['describeInstances']>>['dataSet'][number];

const STATES: Record<string, InstanceState> = {
  DEPLOYING: 'Initializing',
  RUNNING: 'Running',
  STOPPED: 'Stopped',
  REBUILDING: 'Installing',
  IMAGING: 'Imaging',
  RESIZING: 'Resizing',
  CREATE_FAILED: 'Failed',
};

function disks(i: Listed): DiskRow[] {
  const system = i.systemDisk
    ? [{ id: i.systemDisk.diskId, boot: true, type: i.systemDisk.diskCategory, sizeGb: i.systemDisk.diskSize, record: i.systemDisk }]
    : [];
  return [...system, ...i.dataDisks.map((d) => ({ id: d.diskId, boot: false, type: d.diskCategory, sizeGb: d.diskSize, record: d }))];
}

function row(i: Listed): InstanceRow {
  return {
    id: i.instanceId,
    name: i.instanceName,
    state: STATES[i.status] ?? i.status,
    zone: i.zoneId,
    image: i.imageId,
    cpu: i.cpu,
    memoryMb: i.memory * 1024,
    gpu: '',
    created: i.createTime,
    disks: disks(i),
    record: i,
  };
}

export function zecInstances(c: ZecClient, profileZone: string | undefined): ProductInstances {
  const show = async (id: string) => row((await c.describeInstances({ instanceIds: [id] })).dataSet[0] ?? noInstance(id));
  /** The batch actions answer with the ids they failed on and no reason: the instance's state is the likely one. */
  const batch = async (action: string, id: string, failed: string[]) => {
    if (!failed.includes(id)) return;
    const state = (await show(id)).state;
    throw new Error(`${action} did not act on instance ${id}, which is ${state}`);
  };
  return {
    product: 'zec',
    list: async (limit) => (await c.describeInstances({ pageSize: Math.min(limit, 1000) })).dataSet.map(row),
    show,
    create: async (r) => {
      if (r.gpu !== undefined || r.gpuType !== undefined || r.cpu !== undefined || r.memoryMb !== undefined) {
        throw new UsageError('a ZEC instance is sized by its --type (DescribeZoneInstanceConfigInfos lists them), not --cpu, --memory or --gpu');
      }
      // The driver records the subnet and nothing more, but the API requires one, so the CLI does too.
      if (r.subnet === undefined) throw new UsageError('CreateZecInstances names a subnet: --subnet ID');
      const zoneId = r.zone ?? profileZone ?? (await firstZone(c));
      const instanceType = r.type ?? (await firstType(c, zoneId));
      const { instanceIdSet } = await c.createZecInstances({
        zoneId,
        imageId: r.image,
        instanceType,
        subnetId: r.subnet,
        ...(r.name !== undefined ? { instanceName: r.name } : {}),
        ...(r.password !== undefined ? { password: r.password } : {}),
        ...(r.bootGb !== undefined ? { systemDisk: { diskSize: r.bootGb } } : {}),
        ...(r.dataGb !== undefined ? { dataDisks: [{ diskSize: r.dataGb }] } : {}),
      });
      return instanceIdSet[0]!;
    },
    stop: async (id) => batch('StopInstances', id, (await c.stopInstances({ instanceIds: [id] })).instanceIds),
    start: async (id) => batch('StartInstances', id, (await c.startInstances({ instanceIds: [id] })).instanceIds),
    remove: async (id) => batch('ReleaseInstances', id, (await c.releaseInstances({ instanceIds: [id] })).instanceIds),
    growDisk: async () => {
      throw new UsageError("ZEC has no action that grows a disk here (ResizeUHostInstance is UHost's); `kiln instances disk ID` lists the disks");
    },
  };
}

async function firstZone(c: ZecClient): Promise<string> {
  const first = (await c.describeZones()).zoneSet[0];
  if (!first) throw new UsageError('the server serves no ZEC zone');
  return first.zoneId;
}

/** Without --type: the first CPU type the zone has in stock, as a console preselects one. */
async function firstType(c: ZecClient, zoneId: string): Promise<string> {
  const offered = (await c.describeZoneInstanceConfigInfos({ zoneId })).instanceTypeQuotaSet.find((t) => t.withStock);
  if (!offered) throw new UsageError(`zone ${zoneId} offers no instance type in stock; name one with --type`);
  return offered.instanceType;
}
