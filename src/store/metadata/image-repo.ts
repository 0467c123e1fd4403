import { sql } from 'kysely';
import { KilnError } from '../../core/errors.ts';
import type { Attributes, Image, ImageKind, Manifest } from '../../core/model.ts';
import type { CommittedContent, ImageChanges, ImageQuery, ImageRepository, PublicImageQuery } from '../../core/ports/metadata-store.ts';
import type { Product } from '../../core/products.ts';
import type { ImagesTable } from './schema.ts';
import { batches, inTransaction, type Db, type Engine } from './engine.ts';
import { readJson } from './json-column.ts';
import { isUniqueViolation } from './unique-violation.ts';
import { decodeChunks, encodeChunks } from './manifest-encoding.ts';
import { writeChunkRefs } from './image-chunk-refs.ts';
import { passHoldsOn } from './image-holds.ts';

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
    attributes: readJson(r.attributes),
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

/** Catalogue versions kept in memory beside the store (PostgreSQL's notices, SQLite's change counters). */
export interface KeptCatalogueVersions {
  /** The versions of `scopes` (0 for a catalogue never written), as of a moment after the call. */
  versionsOf(scopes: string[]): Promise<Map<string, number>>;
}

/** Images, their manifests, their chunk references and the counters kept beside them. */
export class KyselyImageRepository implements ImageRepository {
  constructor(
    private readonly db: Db,
    private readonly engine: Engine,
    /** Versions kept in memory (catalogue-version-feed.ts, sqlite-catalogue-versions.ts); none inside a transaction. */
    private readonly keptVersions?: KeptCatalogueVersions,
  ) {}

  async insert(image: Image, opts: { uniqueName: boolean }): Promise<void> {
    try {
      await inTransaction(this.db, async (trx) => {
        await trx.insertInto('images').values(rowFromImage(image, opts.uniqueName)).execute();
        await bumpCounts(trx, image, 1);
        await bumpVersion(trx, scopeOf(image));
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new KilnError('NameTaken', `an image named "${image.name}" already exists`);
      throw e;
    }
  }

  async insertMany(images: Image[], opts: { uniqueName: boolean }): Promise<void> {
    try {
      await inTransaction(this.db, async (trx) => {
        for (const run of batches(images, INSERT_BATCH)) {
          await trx
            .insertInto('images')
            .values(run.map((i) => rowFromImage(i, opts.uniqueName)))
            .execute();
        }
        // One counter bump per place and one version bump per catalogue for the whole call
        // (the transaction makes that the same as one per row): on PostgreSQL a seed's time
        // went in round trips, each a wait for the other side to be scheduled, not in work.
        const places = new Map<string, { image: Image; n: number }>();
        for (const image of images) {
          const key = JSON.stringify([image.projectId, image.product, image.kind, image.region, image.zone]);
          const seen = places.get(key);
          if (seen) seen.n++;
          else places.set(key, { image, n: 1 });
        }
        for (const { image, n } of places.values()) await bumpCounts(trx, image, n);
        for (const scope of new Set(images.map(scopeOf))) await bumpVersion(trx, scope);
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new KilnError('NameTaken', 'an image of that name already exists');
      throw e;
    }
  }

  async get(id: string): Promise<Image | undefined> {
    const r = await this.db.selectFrom('images').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? imageFromRow(r) : undefined;
  }

  async listByParent(parentId: string): Promise<Image[]> {
    const rows = await this.db.selectFrom('images').selectAll().where('parent_image_id', '=', parentId).execute();
    return rows.map(imageFromRow);
  }

  async change(id: string, changes: ImageChanges): Promise<void> {
    try {
      await inTransaction(this.db, async (trx) => {
        let attributes: string | undefined;
        if (changes.attributes !== undefined || changes.attributeMerges !== undefined) {
          // Read and merged under a row lock (PostgreSQL: FOR UPDATE; SQLite: the one
          // writer, BEGIN IMMEDIATE), never from a copy the caller read earlier, so
          // concurrent changes of different attributes all survive.
          let q = trx.selectFrom('images').select('attributes').where('id', '=', id);
          if (this.engine === 'postgres') q = q.forUpdate();
          const row = await q.executeTakeFirst();
          if (!row) return;
          attributes = JSON.stringify(mergeAttributes(readJson(row.attributes), changes));
        }
        await trx
          .updateTable('images')
          .set({
            ...(changes.name !== undefined ? { name: changes.name.value, unique_name: changes.name.unique ? changes.name.value : null } : {}),
            ...(changes.description !== undefined ? { description: changes.description } : {}),
            ...(changes.visibility !== undefined ? { visibility: changes.visibility } : {}),
            ...(attributes !== undefined ? { attributes } : {}),
            updated_at: Date.now(),
          })
          .where('id', '=', id)
          .execute();
        await bumpVersionOf(trx, id);
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new KilnError('NameTaken', `an image named "${changes.name?.value ?? ''}" already exists`);
      throw e;
    }
  }

  async markAvailable(id: string, content: CommittedContent): Promise<boolean> {
    return inTransaction(this.db, async (trx) => {
      const res = await trx
        .updateTable('images')
        .set({ state: 'available', failed_reason: null, virtual_size: content.virtualSize, stored_size: content.storedSize, updated_at: Date.now() })
        .where('id', '=', id)
        .where('state', '=', 'making')
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return false;
      await bumpVersionOf(trx, id);
      const chunks = encodeChunks(content.chunks);
      await trx
        .insertInto('manifests')
        .values({ image_id: id, virtual_size: content.virtualSize, chunk_size: content.chunkSize, chunks })
        .onConflict((oc) => oc.column('image_id').doUpdateSet({ virtual_size: content.virtualSize, chunk_size: content.chunkSize, chunks }))
        .execute();
      await passHoldsOn(trx, this.engine, id);
      await trx.deleteFrom('image_chunks').where('image_id', '=', id).execute();
      await writeChunkRefs(trx, this.engine, id, content.chunks, content.inheritsFrom);
      return true;
    });
  }

  async markFailed(id: string, reason: string): Promise<boolean> {
    return inTransaction(this.db, async (trx) => {
      const res = await trx
        .updateTable('images')
        .set({ state: 'unavailable', failed_reason: reason, updated_at: Date.now() })
        .where('id', '=', id)
        .where('state', '=', 'making')
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return false;
      await bumpVersionOf(trx, id);
      return true;
    });
  }

  async delete(image: Image): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      await trx.deleteFrom('image_replicas').where('image_id', '=', image.id).execute();
      await passHoldsOn(trx, this.engine, image.id);
      await trx.deleteFrom('image_chunks').where('image_id', '=', image.id).execute();
      await trx.deleteFrom('manifests').where('image_id', '=', image.id).execute();
      const res = await trx.deleteFrom('images').where('id', '=', image.id).executeTakeFirst();
      if (Number(res.numDeletedRows) > 0) await bumpCounts(trx, image, -1);
      await bumpVersion(trx, scopeOf(image));
    });
  }

  async catalogueVersion(projectId: string, product: Product, withBase: boolean): Promise<string> {
    const own = projectScope(projectId, product);
    const scopes = withBase ? [own, BASE_SCOPE] : [own];
    const versions = await (this.keptVersions ? this.keptVersions.versionsOf(scopes) : this.readVersions(scopes));
    const of = (scope: string) => versions.get(scope) ?? 0;
    return withBase ? `${of(own)}.${of(BASE_SCOPE)}` : String(of(own));
  }

  /** The stored versions of `scopes`, 0 for a catalogue never written. */
  async readVersions(scopes: string[]): Promise<Map<string, number>> {
    // Asked on every listing request the feed cannot answer, so plain SQL with one or two
    // plain parameters: building it with the query builder, or even sql.join, cost more
    // than running it (measured).
    const [first, second = first] = scopes;
    const among = scopes.length <= 2 ? sql`${first}, ${second}` : sql.join(scopes);
    const { rows } = await sql<{
      scope: string;
      version: number | string;
    }>`select scope, version from catalogue_versions where scope in (${among})`.execute(this.db);
    const out = new Map<string, number>(scopes.map((s) => [s, 0]));
    for (const r of rows) out.set(r.scope, Number(r.version));
    return out;
  }

  async getManifest(imageId: string): Promise<Manifest | undefined> {
    const r = await this.db.selectFrom('manifests').selectAll().where('image_id', '=', imageId).executeTakeFirst();
    if (!r) return undefined;
    return { virtualSize: Number(r.virtual_size), chunkSize: r.chunk_size, chunks: decodeChunks(Buffer.from(r.chunks)) };
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
    const place = placeFilter(q);
    const whereOf = (kind: ImageKind) =>
      kind === 'base'
        ? sql`kind = 'base' and (product is null or product = ${q.product})`
        : sql`project_id = ${q.projectId} and product = ${q.product} and kind = ${kind}${place}`;
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
    const counters = q.region === undefined && q.zone === undefined ? sql`image_counts` : sql`image_place_counts`;
    const ownedCount =
      owned.length > 0
        ? sql`(select coalesce(sum(count), 0) from ${counters} where project_id = ${q.projectId} and product = ${q.product} and kind in (${sql.join(owned)})${placeFilter(q)})`
        : sql`0`;
    const baseCount = q.kinds.includes('base')
      ? sql`(select count(*) from images where kind = 'base' and (product is null or product = ${q.product}))`
      : sql`0`;
    const { rows } = await sql<{ n: number }>`select ${ownedCount} + ${baseCount} as n`.execute(this.db);
    return Number(rows[0]?.n ?? 0);
  }

  /** True if the account already has an image of the product holding this unique name. */
  async uniqueNameTaken(accountId: string, product: Product, name: string): Promise<boolean> {
    const r = await this.db
      .selectFrom('images')
      .select('id')
      .where('account_id', '=', accountId)
      .where('product', '=', product)
      .where('unique_name', '=', name)
      .executeTakeFirst();
    return r !== undefined;
  }

  async copyManifest(fromId: string, toId: string): Promise<boolean> {
    return inTransaction(this.db, (trx) => copyManifestIn(trx, this.engine, fromId, toId));
  }

  async commitCopy(fromId: string, toId: string): Promise<'committed' | 'sourceGone' | 'targetGone'> {
    return inTransaction(this.db, async (trx) => {
      // Everything is checked before anything is written: this may run inside a job's
      // commit transaction, where an early return must leave nothing behind.
      if (!(await holdManifest(trx, this.engine, fromId))) return 'sourceGone';
      const source = await trx.selectFrom('images').select(['virtual_size', 'stored_size']).where('id', '=', fromId).executeTakeFirst();
      if (!source) return 'sourceGone';
      const res = await trx
        .updateTable('images')
        .set({ state: 'available', failed_reason: null, virtual_size: source.virtual_size, stored_size: source.stored_size, updated_at: Date.now() })
        .where('id', '=', toId)
        .where('state', '=', 'making')
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return 'targetGone';
      await insertManifestCopy(trx, fromId, toId);
      await bumpVersionOf(trx, toId);
      return 'committed';
    });
  }

  /** Public images of every account, newest first unless asked for oldest first. */
  async listPublic(q: PublicImageQuery): Promise<Image[]> {
    const rows = await this.publicFiltered(q)
      .selectAll()
      .orderBy('seq', q.order === 'oldest' ? 'asc' : 'desc')
      .limit(q.limit)
      .offset(q.offset)
      .execute();
    return rows.map(imageFromRow);
  }

  async countPublic(q: PublicImageQuery): Promise<number> {
    const r = await this.publicFiltered(q).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  private publicFiltered(q: PublicImageQuery) {
    let query = this.db
      .selectFrom('images')
      // Base images offered to every product have no product.
      .where((eb) => (q.kinds.includes('base') ? eb.or([eb('product', '=', q.product), eb('product', 'is', null)]) : eb('product', '=', q.product)))
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
      // Base images are offered in every region and zone; only placed images are filtered by place.
      const place = [...(q.region !== undefined ? [eb('region', '=', q.region)] : []), ...(q.zone !== undefined ? [eb('zone', '=', q.zone)] : [])];
      if (owned.length > 0) {
        ors.push(eb.and([eb('project_id', '=', q.projectId), eb('product', '=', q.product), eb('kind', 'in', owned), ...place]));
        if (q.includePublicOf === 'others') {
          ors.push(
            eb.and([eb('product', '=', q.product), eb('kind', 'in', owned), eb('visibility', '=', 'public'), eb('project_id', '!=', q.projectId), ...place]),
          );
        }
      }
      if (q.kinds.includes('base')) {
        ors.push(eb.and([eb('kind', '=', 'base'), eb.or([eb('product', 'is', null), eb('product', '=', q.product)])]));
      }
      return ors.length > 0 ? eb.or(ors) : eb.val(false);
    });
    if (q.imageIds && q.imageIds.length > 0) query = query.where('id', 'in', q.imageIds);
    if (q.osType !== undefined) query = query.where('os_type', '=', q.osType);
    return query;
  }
}

/** Gives `toId` the manifest and chunk references of `fromId` inside `trx`; false if the source has none. */
async function copyManifestIn(trx: Db, engine: Engine, fromId: string, toId: string): Promise<boolean> {
  if (!(await holdManifest(trx, engine, fromId))) return false;
  await insertManifestCopy(trx, fromId, toId);
  return true;
}

/**
 * Holds the source's manifest row (FOR SHARE on PostgreSQL; SQLite has one writer) until
 * the transaction ends, so a concurrent delete of the source waits and its chunks stay
 * referenced throughout; false if it has no manifest.
 */
async function holdManifest(trx: Db, engine: Engine, imageId: string): Promise<boolean> {
  let held = trx.selectFrom('manifests').select('image_id').where('image_id', '=', imageId);
  if (engine === 'postgres') held = held.forShare();
  return (await held.executeTakeFirst()) !== undefined;
}

async function insertManifestCopy(trx: Db, fromId: string, toId: string): Promise<void> {
  await trx
    .insertInto('manifests')
    .columns(['image_id', 'virtual_size', 'chunk_size', 'chunks'])
    .expression((eb) =>
      eb
        .selectFrom('manifests')
        .select([eb.val(toId).as('image_id'), 'virtual_size', 'chunk_size', 'chunks'])
        .where('image_id', '=', fromId),
    )
    .execute();
  await trx
    .insertInto('image_chunks')
    .columns(['image_id', 'chunk_key'])
    .expression((eb) =>
      eb
        .selectFrom('image_chunks')
        .select([eb.val(toId).as('image_id'), 'chunk_key'])
        .where('image_id', '=', fromId),
    )
    .execute();
}

/** The stored attributes with a change's merges applied; keys set to undefined are dropped. */
function mergeAttributes(stored: Attributes, changes: ImageChanges): Attributes {
  const merged: Attributes = { ...stored, ...(changes.attributes ?? {}) };
  for (const [key, patch] of Object.entries(changes.attributeMerges ?? {})) {
    const current = merged[key];
    merged[key] = dropUndefined({ ...(isPlainObject(current) ? current : {}), ...patch });
  }
  return dropUndefined(merged);
}

function isPlainObject(v: unknown): v is Attributes {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function dropUndefined(a: Attributes): Attributes {
  return Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined));
}

/**
 * A project's images of some kinds, in every place or in one region or one zone, with no
 * other filter: answered from counters and one index range.
 */
function isPlainListing(q: ImageQuery): boolean {
  return (q.imageIds?.length ?? 0) === 0 && q.osType === undefined && (q.zone === undefined || q.region === undefined) && q.includePublicOf === undefined;
}

/** The SQL condition (with its leading `and`) for a plain listing's region or zone; empty for none. */
function placeFilter(q: ImageQuery) {
  if (q.region !== undefined) return sql` and region = ${q.region}`;
  if (q.zone !== undefined) return sql` and zone = ${q.zone}`;
  return sql``;
}

/**
 * Rows per multi-row INSERT: at 22 columns a row, a statement stays under SQLite's and
 * PostgreSQL's bound-parameter limits (32,766 and 65,535).
 */
const INSERT_BATCH = 1000;

const BASE_SCOPE = 'base';

function projectScope(projectId: string, product: string): string {
  return `p:${projectId}:${product}`;
}

function scopeOf(image: { projectId: string | null; product: string | null }): string {
  return image.projectId && image.product ? projectScope(image.projectId, image.product) : BASE_SCOPE;
}

/** Moves a catalogue's version on; the caller's transaction makes it atomic with the write. */
async function bumpVersion(exec: Db, scope: string): Promise<void> {
  await exec
    .insertInto('catalogue_versions')
    .values({ scope, version: 1 })
    .onConflict((oc) => oc.column('scope').doUpdateSet({ version: sql`catalogue_versions.version + 1` }))
    .execute();
}

/**
 * Moves on the version of the project catalogue holding custom image `imageId`, for a
 * change its listings show without an image write: how many instances use it
 * (CompShare's listings count them). A base image's catalogue is left alone: every
 * tenant's listing is kept against it, and no kept listing counts a base image's uses.
 */
export async function bumpVersionOfCustom(exec: Db, imageId: string | null): Promise<void> {
  if (imageId === null) return;
  const r = await exec.selectFrom('images').select(['project_id', 'product']).where('id', '=', imageId).executeTakeFirst();
  if (r?.project_id && r.product) await bumpVersion(exec, projectScope(r.project_id, r.product));
}

/** Moves on the version of the catalogue holding `imageId`. */
export async function bumpVersionOf(exec: Db, imageId: string): Promise<void> {
  const r = await exec.selectFrom('images').select(['project_id', 'product']).where('id', '=', imageId).executeTakeFirst();
  if (r) await bumpVersion(exec, scopeOf({ projectId: r.project_id, product: r.product }));
}

/** What the counters of an image are keyed by. */
interface Placed {
  projectId: string | null;
  product: string | null;
  kind: string;
  region: string;
  zone: string;
}

/** Counts a project's image in (delta 1) or out (-1) of its project's totals and its place's; base images have none. */
async function bumpCounts(exec: Db, image: Placed, delta: number): Promise<void> {
  if (!image.projectId || !image.product) return;
  const { projectId, product, kind } = image;
  await exec
    .insertInto('image_counts')
    .values({ project_id: projectId, product, kind, count: delta })
    .onConflict((oc) => oc.columns(['project_id', 'product', 'kind']).doUpdateSet({ count: sql`image_counts.count + ${delta}` }))
    .execute();
  await bumpPlaceCount(exec, image, delta);
}

async function bumpPlaceCount(exec: Db, image: Placed, delta: number): Promise<void> {
  if (!image.projectId || !image.product) return;
  await exec
    .insertInto('image_place_counts')
    .values({ project_id: image.projectId, product: image.product, kind: image.kind, region: image.region, zone: image.zone, count: delta })
    .onConflict((oc) => oc.columns(['project_id', 'product', 'kind', 'region', 'zone']).doUpdateSet({ count: sql`image_place_counts.count + ${delta}` }))
    .execute();
}

/**
 * Moves an image to another region and zone inside the caller's transaction, its place
 * counters with it, and moves its catalogue's version on.
 */
export async function moveImage(exec: Db, imageId: string, region: string, zone: string): Promise<void> {
  const r = await exec.selectFrom('images').select(['project_id', 'product', 'kind', 'region', 'zone']).where('id', '=', imageId).executeTakeFirst();
  if (!r) return;
  await exec.updateTable('images').set({ region, zone, updated_at: Date.now() }).where('id', '=', imageId).execute();
  const image = { projectId: r.project_id, product: r.product, kind: r.kind };
  await bumpPlaceCount(exec, { ...image, region: r.region, zone: r.zone }, -1);
  await bumpPlaceCount(exec, { ...image, region, zone }, 1);
  await bumpVersionOf(exec, imageId);
}
