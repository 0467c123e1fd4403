import { sql, type Transaction } from 'kysely';
import type { Image, ImageKind, Manifest } from '../../core/model.ts';
import type { Product } from '../../core/products.ts';
import type { Database, ImagesTable } from './schema.ts';
import type { Db } from './database.ts';

type Exec = Db | Transaction<Database>;

const HOLE = Buffer.alloc(32);

export interface ImageQuery {
  product: Product;
  projectId: string;
  /** Which kinds to list; base images are those offered to `product` (or to all). */
  kinds: ImageKind[];
  imageIds?: string[];
  osType?: string;
  zone?: string;
  region?: string;
  offset: number;
  limit: number;
  /** Also list other accounts' public images (community catalogues). */
  includePublicOf?: 'others';
  /**
   * newest (default) lists the latest first. oldest lists in creation order, so that
   * images created while a caller pages with Offset land after the pages already read
   * instead of shifting them (no duplicate, no gap).
   */
  order?: 'newest' | 'oldest';
}

/** Every account's public images of one product: a community catalogue. */
export interface PublicImageQuery {
  product: Product;
  kinds: ImageKind[];
  imageIds?: string[];
  /** Substring of the name, case-insensitive. */
  nameContains?: string;
  accountId?: string;
  states?: Image['state'][];
  offset: number;
  limit: number;
}

export function imageFromRow(r: Omit<ImagesTable, 'seq'> & { seq?: number }): Image {
  return {
    id: r.id,
    product: (r.product as Product | null) ?? null,
    accountId: r.account_id,
    projectId: r.project_id,
    region: r.region,
    zone: r.zone,
    kind: r.kind as ImageKind,
    name: r.name,
    description: r.description,
    osType: r.os_type as Image['osType'],
    osName: r.os_name,
    state: r.state as Image['state'],
    failedReason: r.failed_reason,
    virtualSize: Number(r.virtual_size),
    storedSize: Number(r.stored_size),
    sourceInstanceId: r.source_instance_id,
    parentImageId: r.parent_image_id,
    visibility: r.visibility as Image['visibility'],
    attributes: JSON.parse(r.attributes) as Image['attributes'],
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

function rowFromImage(i: Image, uniqueName: boolean): Omit<ImagesTable, 'seq'> {
  return {
    id: i.id,
    product: i.product,
    account_id: i.accountId,
    project_id: i.projectId,
    region: i.region,
    zone: i.zone,
    kind: i.kind,
    name: i.name,
    unique_name: uniqueName ? i.name : null,
    description: i.description,
    os_type: i.osType,
    os_name: i.osName,
    state: i.state,
    failed_reason: i.failedReason,
    virtual_size: i.virtualSize,
    stored_size: i.storedSize,
    source_instance_id: i.sourceInstanceId,
    parent_image_id: i.parentImageId,
    visibility: i.visibility,
    attributes: JSON.stringify(i.attributes),
    created_at: i.createdAt,
    updated_at: i.updatedAt,
  };
}

type ImageRow = Omit<ImagesTable, 'seq'> & { seq: number };

export function encodeChunks(chunks: (string | null)[]): Buffer {
  const out = Buffer.alloc(chunks.length * 32);
  chunks.forEach((c, i) => {
    if (c !== null) out.write(c, i * 32, 'hex');
  });
  return out;
}

export function decodeChunks(buf: Buffer): (string | null)[] {
  const out: (string | null)[] = [];
  for (let off = 0; off < buf.length; off += 32) {
    const slice = buf.subarray(off, off + 32);
    out.push(slice.equals(HOLE) ? null : slice.toString('hex'));
  }
  return out;
}

/** Images, their manifests and the counters kept beside them. */
export class ImageRepo {
  constructor(private readonly db: Db) {}

  async insert(image: Image, opts: { uniqueName: boolean }, exec: Exec = this.db): Promise<void> {
    await exec.insertInto('images').values(rowFromImage(image, opts.uniqueName)).execute();
    if (image.projectId && image.product) {
      await bumpCount(exec, image.projectId, image.product, image.kind, 1);
    }
  }

  async get(id: string, exec: Exec = this.db): Promise<Image | undefined> {
    const r = await exec.selectFrom('images').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? imageFromRow(r) : undefined;
  }

  async listByParent(parentId: string, exec: Exec = this.db): Promise<Image[]> {
    const rows = await exec.selectFrom('images').selectAll().where('parent_image_id', '=', parentId).execute();
    return rows.map(imageFromRow);
  }

  async update(id: string, patch: Partial<Pick<ImagesTable, 'state' | 'failed_reason' | 'virtual_size' | 'stored_size' | 'name' | 'unique_name' | 'description' | 'visibility' | 'attributes'>>, exec: Exec = this.db): Promise<void> {
    await exec
      .updateTable('images')
      .set({ ...patch, updated_at: Date.now() })
      .where('id', '=', id)
      .execute();
  }

  /** Deletes the image row, its manifest and its counter entry; chunks go to GC. */
  async delete(image: Image, exec: Exec): Promise<void> {
    await exec.deleteFrom('manifests').where('image_id', '=', image.id).execute();
    const res = await exec.deleteFrom('images').where('id', '=', image.id).executeTakeFirst();
    if (Number(res.numDeletedRows) > 0 && image.projectId && image.product) {
      await bumpCount(exec, image.projectId, image.product, image.kind, -1);
    }
  }

  async putManifest(imageId: string, m: Manifest, exec: Exec): Promise<void> {
    await exec
      .insertInto('manifests')
      .values({ image_id: imageId, virtual_size: m.virtualSize, chunk_size: m.chunkSize, chunks: encodeChunks(m.chunks) })
      .onConflict((oc) => oc.column('image_id').doUpdateSet({ virtual_size: m.virtualSize, chunk_size: m.chunkSize, chunks: encodeChunks(m.chunks) }))
      .execute();
  }

  async getManifest(imageId: string): Promise<Manifest | undefined> {
    const r = await this.db.selectFrom('manifests').selectAll().where('image_id', '=', imageId).executeTakeFirst();
    if (!r) return undefined;
    return { virtualSize: Number(r.virtual_size), chunkSize: r.chunk_size, chunks: decodeChunks(r.chunks) };
  }

  /** Every chunk key any manifest references, for garbage collection. */
  async referencedChunks(): Promise<Set<string>> {
    const out = new Set<string>();
    const rows = await this.db.selectFrom('manifests').select('chunks').execute();
    for (const r of rows) for (const c of decodeChunks(r.chunks)) if (c) out.add(c);
    return out;
  }

  async list(q: ImageQuery): Promise<Image[]> {
    if (isPlainListing(q) && q.kinds.length > 0) {
      return this.listPlain(q);
    }
    const rows = await this.filtered(q)
      .selectAll()
      .orderBy('seq', q.order === 'oldest' ? 'asc' : 'desc')
      .limit(q.limit)
      .offset(q.offset)
      .execute();
    return rows.map(imageFromRow);
  }

  /**
   * The hot path of every console and SDK listing. Each kind is one backward walk of an
   * index, limited to offset+limit rows, and only those few rows are merged and sorted:
   * an OR over kinds would make the database sort every image of the project. Written
   * as plain statements because building them costs more than running them.
   */
  private async listPlain(q: ImageQuery): Promise<Image[]> {
    const desc = q.order !== 'oldest';
    const dir = desc ? sql`desc` : sql`asc`;
    const window = q.offset + q.limit;
    const whereOf = (kind: ImageKind) =>
      kind === 'base'
        ? sql`kind = 'base' and (product is null or product = ${q.product})`
        : sql`project_id = ${q.projectId} and product = ${q.product} and kind = ${kind}`;
    const parts = q.kinds.map(
      (kind, i) => sql`select * from (select * from images where ${whereOf(kind)} order by seq ${dir} limit ${window}) as ${sql.raw(`k${i}`)}`,
    );
    const query =
      q.kinds.length === 1
        ? sql<ImageRow>`select * from images where ${whereOf(q.kinds[0]!)} order by seq ${dir} limit ${q.limit} offset ${q.offset}`
        : sql<ImageRow>`select * from (${sql.join(parts, sql` union all `)}) as merged order by seq ${dir} limit ${q.limit} offset ${q.offset}`;
    const { rows } = await query.execute(this.db);
    return rows.map(imageFromRow);
  }

  /**
   * Total for a listing. The common case (a project's images of some kinds, no other
   * filter) is read from counters; filtered listings count the matching rows.
   */
  async count(q: ImageQuery): Promise<number> {
    if (!isPlainListing(q)) {
      const r = await this.filtered(q).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
      return Number(r.n);
    }
    const owned = q.kinds.filter((k) => k !== 'base');
    const ownedCount = owned.length > 0
      ? sql`(select coalesce(sum(count), 0) from image_counts where project_id = ${q.projectId} and product = ${q.product} and kind in (${sql.join(owned)}))`
      : sql`0`;
    const baseCount = q.kinds.includes('base')
      ? sql`(select count(*) from images where kind = 'base' and (product is null or product = ${q.product}))`
      : sql`0`;
    const { rows } = await sql<{ n: number }>`select ${ownedCount} + ${baseCount} as n`.execute(this.db);
    return Number(rows[0]?.n ?? 0);
  }

  /** True if the account already has an image of the product holding this unique name. */
  async uniqueNameTaken(accountId: string, product: Product, name: string, exec: Exec = this.db): Promise<boolean> {
    const r = await exec
      .selectFrom('images')
      .select('id')
      .where('account_id', '=', accountId)
      .where('product', '=', product)
      .where('unique_name', '=', name)
      .executeTakeFirst();
    return r !== undefined;
  }

  /**
   * Gives `toId` the manifest of `fromId` by copying the row inside the database: the
   * new image references the same chunks, so no chunk data moves. False if the source
   * has no manifest (yet, or any more).
   */
  async copyManifest(fromId: string, toId: string, exec: Exec): Promise<boolean> {
    const res = await exec
      .insertInto('manifests')
      .columns(['image_id', 'virtual_size', 'chunk_size', 'chunks'])
      .expression((eb) =>
        eb.selectFrom('manifests').select([eb.val(toId).as('image_id'), 'virtual_size', 'chunk_size', 'chunks']).where('image_id', '=', fromId),
      )
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /** Public images of every account, newest first. */
  async listPublic(q: PublicImageQuery): Promise<Image[]> {
    const rows = await this.publicFiltered(q).selectAll().orderBy('seq', 'desc').limit(q.limit).offset(q.offset).execute();
    return rows.map(imageFromRow);
  }

  async countPublic(q: PublicImageQuery): Promise<number> {
    const r = await this.publicFiltered(q).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  private publicFiltered(q: PublicImageQuery) {
    let query = this.db
      .selectFrom('images')
      .where('product', '=', q.product)
      .where('visibility', '=', 'public')
      .where('kind', 'in', q.kinds.length > 0 ? q.kinds : ['custom']);
    if (q.imageIds && q.imageIds.length > 0) query = query.where('id', 'in', q.imageIds);
    if (q.accountId !== undefined) query = query.where('account_id', '=', q.accountId);
    if (q.states && q.states.length > 0) query = query.where('state', 'in', q.states);
    if (q.nameContains !== undefined && q.nameContains !== '') {
      // LIKE wildcards in the search text are matched literally.
      const escaped = q.nameContains.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
      query = query.where(sql<boolean>`lower(name) like ${`%${escaped}%`} escape '\\'`);
    }
    return query;
  }

  private filtered(q: ImageQuery) {
    let query = this.db.selectFrom('images').where((eb) => {
      const ors = [];
      const owned = q.kinds.filter((k) => k !== 'base');
      if (owned.length > 0) {
        ors.push(eb.and([eb('project_id', '=', q.projectId), eb('product', '=', q.product), eb('kind', 'in', owned)]));
        if (q.includePublicOf === 'others') {
          ors.push(eb.and([eb('product', '=', q.product), eb('kind', 'in', owned), eb('visibility', '=', 'public'), eb('project_id', '!=', q.projectId)]));
        }
      }
      if (q.kinds.includes('base')) {
        ors.push(eb.and([eb('kind', '=', 'base'), eb.or([eb('product', 'is', null), eb('product', '=', q.product)])]));
      }
      return ors.length > 0 ? eb.or(ors) : eb.val(false);
    });
    if (q.imageIds && q.imageIds.length > 0) query = query.where('id', 'in', q.imageIds);
    if (q.osType !== undefined) query = query.where('os_type', '=', q.osType);
    if (q.zone !== undefined) query = query.where('zone', '=', q.zone);
    if (q.region !== undefined) query = query.where('region', '=', q.region);
    return query;
  }
}

/** A project's images of some kinds with no other filter: answered from counters and one index range. */
function isPlainListing(q: ImageQuery): boolean {
  return (q.imageIds?.length ?? 0) === 0 && q.osType === undefined && q.zone === undefined && q.region === undefined && q.includePublicOf === undefined;
}

async function bumpCount(exec: Exec, projectId: string, product: string, kind: string, delta: number): Promise<void> {
  await exec
    .insertInto('image_counts')
    .values({ project_id: projectId, product, kind, count: delta })
    .onConflict((oc) => oc.columns(['project_id', 'product', 'kind']).doUpdateSet({ count: sql`image_counts.count + ${delta}` }))
    .execute();
}
