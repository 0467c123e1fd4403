import type { Transaction } from 'kysely';
import type { Disk, Instance } from '../../core/model.ts';
import type { Product } from '../../core/products.ts';
import type { Database, DisksTable, InstancesTable } from './schema.ts';
import type { Db } from './database.ts';

type Exec = Db | Transaction<Database>;

function instanceFromRow(r: InstancesTable): Instance {
  return {
    id: r.id,
    product: r.product as Product,
    accountId: r.account_id,
    projectId: r.project_id,
    region: r.region,
    zone: r.zone,
    name: r.name,
    state: r.state as Instance['state'],
    operation: r.operation as Instance['operation'],
    imageId: r.image_id,
    cpu: r.cpu,
    memoryMb: r.memory_mb,
    gpuType: r.gpu_type,
    gpuCount: r.gpu_count,
    osType: r.os_type as Instance['osType'],
    osName: r.os_name,
    attributes: JSON.parse(r.attributes) as Instance['attributes'],
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

function diskFromRow(r: DisksTable): Disk {
  return {
    id: r.id,
    instanceId: r.instance_id,
    index: r.idx,
    isBoot: r.is_boot === 1,
    type: r.type,
    sizeBytes: Number(r.size_bytes),
    path: r.path,
    sourceImageId: r.source_image_id,
  };
}

export interface InstanceQuery {
  product: Product;
  projectId: string;
  ids?: string[];
  zone?: string;
  offset: number;
  limit: number;
}

export class InstanceRepo {
  constructor(private readonly db: Db) {}

  async insert(i: Instance, disks: Disk[], exec: Exec = this.db): Promise<void> {
    await exec
      .insertInto('instances')
      .values({
        id: i.id,
        product: i.product,
        account_id: i.accountId,
        project_id: i.projectId,
        region: i.region,
        zone: i.zone,
        name: i.name,
        state: i.state,
        operation: i.operation,
        image_id: i.imageId,
        cpu: i.cpu,
        memory_mb: i.memoryMb,
        gpu_type: i.gpuType,
        gpu_count: i.gpuCount,
        os_type: i.osType,
        os_name: i.osName,
        attributes: JSON.stringify(i.attributes),
        created_at: i.createdAt,
        updated_at: i.updatedAt,
      })
      .execute();
    for (const d of disks) {
      await exec
        .insertInto('disks')
        .values({
          id: d.id,
          instance_id: d.instanceId,
          idx: d.index,
          is_boot: d.isBoot ? 1 : 0,
          type: d.type,
          size_bytes: d.sizeBytes,
          path: d.path,
          source_image_id: d.sourceImageId,
        })
        .execute();
    }
  }

  async get(id: string, exec: Exec = this.db): Promise<Instance | undefined> {
    const r = await exec.selectFrom('instances').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? instanceFromRow(r) : undefined;
  }

  async disks(instanceId: string, exec: Exec = this.db): Promise<Disk[]> {
    const rows = await exec.selectFrom('disks').selectAll().where('instance_id', '=', instanceId).orderBy('idx').execute();
    return rows.map(diskFromRow);
  }

  async list(q: InstanceQuery): Promise<{ items: Instance[]; total: number }> {
    let base = this.db.selectFrom('instances').where('project_id', '=', q.projectId).where('product', '=', q.product);
    if (q.ids && q.ids.length > 0) base = base.where('id', 'in', q.ids);
    if (q.zone !== undefined) base = base.where('zone', '=', q.zone);
    const rows = await base.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(q.limit).offset(q.offset).execute();
    const { n } = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return { items: rows.map(instanceFromRow), total: Number(n) };
  }

  /**
   * Moves an instance between states only if it is where the caller expects: the
   * conditional UPDATE is what makes concurrent start/stop/capture calls safe.
   */
  async transition(
    id: string,
    from: { states: Instance['state'][]; operation: Instance['operation'] },
    to: Partial<Pick<Instance, 'state' | 'operation'>>,
    exec: Exec = this.db,
  ): Promise<boolean> {
    let q = exec
      .updateTable('instances')
      .set({ ...(to.state ? { state: to.state } : {}), ...(to.operation !== undefined ? { operation: to.operation } : {}), updated_at: Date.now() })
      .where('id', '=', id)
      .where('state', 'in', from.states);
    q = from.operation === null ? q.where('operation', 'is', null) : q.where('operation', '=', from.operation);
    const res = await q.executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** How many existing instances were created from each of the given images. */
  async countByImage(imageIds: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (imageIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('instances')
      .select((eb) => ['image_id', eb.fn.countAll<number>().as('n')])
      .where('image_id', 'in', imageIds)
      .groupBy('image_id')
      .execute();
    for (const r of rows) out.set(r.image_id, Number(r.n));
    return out;
  }

  async delete(id: string, exec: Exec = this.db): Promise<void> {
    await exec.deleteFrom('disks').where('instance_id', '=', id).execute();
    await exec.deleteFrom('instances').where('id', '=', id).execute();
  }
}
