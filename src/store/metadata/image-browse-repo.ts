import { sql } from 'kysely';
import { KilnError } from '../../core/errors.ts';
import type { Image } from '../../core/model.ts';
import type { ImageBrowse, ImageBrowseQuery } from '../../core/ports/metadata-store.ts';
import type { Db, Engine } from './engine.ts';
import { imageFromRow } from './image-repo.ts';

/** Where a page ended: the sequence number, and the name when sorted by name. */
interface Cursor {
  seq: number;
  name?: string;
}

/**
 * Keyset pages of a project's images. Sorted by creation they walk images_listing
 * (project, product, kind, seq); by name, images_console_name (project, product, name, seq).
 */
export class KyselyImageBrowse implements ImageBrowse {
  constructor(
    private readonly db: Db,
    private readonly engine: Engine,
  ) {}

  async page(q: ImageBrowseQuery): Promise<{ items: Image[]; next?: string }> {
    const after = q.after === undefined ? undefined : decodeCursor(q.after);
    let query = this.db.selectFrom('images').selectAll().where('project_id', '=', q.projectId).where('product', '=', q.product).where('kind', 'in', q.kinds);
    if (q.state !== undefined) query = query.where('state', '=', q.state);
    if (q.osType !== undefined) query = query.where('os_type', '=', q.osType);
    if (q.visibility !== undefined) query = query.where('visibility', '=', q.visibility);
    if (q.nameContains !== undefined && q.nameContains !== '') {
      const pattern = `%${q.nameContains.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query =
        this.engine === 'postgres' ? query.where(sql<boolean>`name ilike ${pattern} escape '\\'`) : query.where(sql<boolean>`name like ${pattern} escape '\\'`);
    }
    if (q.sort === 'name') {
      if (after) query = query.where(sql<boolean>`(name, seq) > (${after.name ?? ''}, ${after.seq})`);
      query = query.orderBy('name', 'asc').orderBy('seq', 'asc');
    } else if (q.sort === 'oldest') {
      if (after) query = query.where('seq', '>', after.seq);
      query = query.orderBy('seq', 'asc');
    } else {
      if (after) query = query.where('seq', '<', after.seq);
      query = query.orderBy('seq', 'desc');
    }
    // One row more than the page says whether there is a next one, without a count.
    const rows = await query.limit(q.limit + 1).execute();
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    const next = rows.length > q.limit && last ? encodeCursor({ seq: last.seq, ...(q.sort === 'name' ? { name: last.name } : {}) }) : undefined;
    return { items: page.map(imageFromRow), ...(next ? { next } : {}) };
  }
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

function decodeCursor(s: string): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (typeof parsed === 'object' && parsed !== null && 'seq' in parsed && typeof parsed.seq === 'number' && Number.isSafeInteger(parsed.seq)) {
    const name = 'name' in parsed && typeof parsed.name === 'string' ? parsed.name : undefined;
    return { seq: parsed.seq, ...(name !== undefined ? { name } : {}) };
  }
  throw new KilnError('InvalidParameter', 'the page cursor is not one this listing gave out; start from the first page');
}
