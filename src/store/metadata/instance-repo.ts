import type { Disk, Instance } from '../../core/model.ts';
import type { InstanceChange, InstanceQuery, InstanceRepository } from '../../core/ports/metadata-store.ts';
import type { Product } from '../../core/products.ts';
import type { DisksTable, InstancesTable } from './schema.ts';
import { inTransaction, type Db } from './engine.ts';
import { bumpVersionOfCustom } from './image-repo.ts';
import { readJson } from './json-column.ts';

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
    attributes: readJson(r.attributes),
    nodeId: r.node_id,
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

export class KyselyInstanceRepository implements InstanceRepository {
  constructor(private readonly db: Db) {}

  async insert(i: Instance, disks: Disk[]): Promise<void> {
    await inTransaction(this.db, async (exec) => {
      await insertInstance(exec, i, disks);
      // One use more: listings that count the image's uses are kept against this version.
      await bumpVersionOfCustom(exec, i.imageId);
    });
  }

  async get(id: string): Promise<Instance | undefined> {
    const r = await this.db.selectFrom('instances').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? instanceFromRow(r) : undefined;
  }

  async disks(instanceId: string): Promise<Disk[]> {
    const rows = await this.db.selectFrom('disks').selectAll().where('instance_id', '=', instanceId).orderBy('idx').execute();
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

  async transition(id: string, from: { states: Instance['state'][]; operation: Instance['operation'] }, to: InstanceChange): Promise<boolean> {
    if (to.imageId === undefined) return transitionIn(this.db, id, from, to);
    // A new image (a reinstall) moves a use from one image to another: listings count
    // uses, so both catalogues' versions move with it.
    return inTransaction(this.db, async (trx) => {
      const old = await trx.selectFrom('instances').select('image_id').where('id', '=', id).executeTakeFirst();
      if (!(await transitionIn(trx, id, from, to))) return false;
      if (old && old.image_id !== to.imageId) {
        await bumpVersionOfCustom(trx, old.image_id);
        await bumpVersionOfCustom(trx, to.imageId ?? null);
      }
      return true;
    });
  }

  async bindNode(id: string, nodeId: string): Promise<boolean> {
    const res = await this.db
      .updateTable('instances')
      .set({ node_id: nodeId })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('node_id', 'is', null), eb('node_id', '=', nodeId)]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async setDiskPath(diskId: string, path: string): Promise<void> {
    await this.db.updateTable('disks').set({ path }).where('id', '=', diskId).execute();
  }

  async updateDisk(diskId: string, change: Partial<Pick<Disk, 'path' | 'sizeBytes' | 'sourceImageId'>>): Promise<void> {
    await this.db
      .updateTable('disks')
      .set({
        ...(change.path !== undefined ? { path: change.path } : {}),
        ...(change.sizeBytes !== undefined ? { size_bytes: change.sizeBytes } : {}),
        ...(change.sourceImageId !== undefined ? { source_image_id: change.sourceImageId } : {}),
      })
      .where('id', '=', diskId)
      .execute();
  }

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

  async delete(id: string): Promise<boolean> {
    return inTransaction(this.db, async (trx) => {
      const gone = await trx.selectFrom('instances').select('image_id').where('id', '=', id).executeTakeFirst();
      await trx.deleteFrom('disks').where('instance_id', '=', id).execute();
      const res = await trx.deleteFrom('instances').where('id', '=', id).executeTakeFirst();
      if (Number(res.numDeletedRows) !== 1) return false;
      // One use fewer: listings that count the image's uses are kept against this version.
      await bumpVersionOfCustom(trx, gone?.image_id ?? null);
      return true;
    });
  }
}

async function insertInstance(exec: Db, i: Instance, disks: Disk[]): Promise<void> {
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
      node_id: i.nodeId,
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

async function transitionIn(db: Db, id: string, from: { states: Instance['state'][]; operation: Instance['operation'] }, to: InstanceChange): Promise<boolean> {
  let q = db
    .updateTable('instances')
    .set({
      ...(to.state !== undefined ? { state: to.state } : {}),
      ...(to.operation !== undefined ? { operation: to.operation } : {}),
      ...(to.name !== undefined ? { name: to.name } : {}),
      ...(to.cpu !== undefined ? { cpu: to.cpu } : {}),
      ...(to.memoryMb !== undefined ? { memory_mb: to.memoryMb } : {}),
      ...(to.imageId !== undefined ? { image_id: to.imageId } : {}),
      ...(to.osType !== undefined ? { os_type: to.osType } : {}),
      ...(to.osName !== undefined ? { os_name: to.osName } : {}),
      ...(to.attributes !== undefined ? { attributes: JSON.stringify(to.attributes) } : {}),
      updated_at: Date.now(),
    })
    .where('id', '=', id)
    .where('state', 'in', from.states);
  q = from.operation === null ? q.where('operation', 'is', null) : q.where('operation', '=', from.operation);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
