import { sql } from 'kysely';
import type { Image, Job } from '../../core/model.ts';
import type { ImageInsights } from '../../core/ports/metadata-store.ts';
import type { Db, Engine } from './engine.ts';
import { imageFromRow } from './image-repo.ts';
import { jobFromRow } from './job-repo.ts';

/** The image page's facts, read from the chunk references, the job queue and the images. */
export class KyselyImageInsights implements ImageInsights {
  constructor(
    private readonly db: Db,
    private readonly engine: Engine,
  ) {}

  async chunkSharing(imageId: string): Promise<{ chunks: number; shared: number; chunkSize: number }> {
    const counts = await this.db
      .selectFrom('image_chunks as mine')
      .select((eb) => [
        eb.fn.count<number>('mine.chunk_key').distinct().as('chunks'),
        // A chunk counts as shared when any other image's manifest references it too.
        eb.fn
          .count<number>(
            sql`distinct case when exists (select 1 from image_chunks other where other.chunk_key = mine.chunk_key and other.image_id <> mine.image_id) then mine.chunk_key end`,
          )
          .as('shared'),
      ])
      .where('mine.image_id', '=', imageId)
      .executeTakeFirstOrThrow();
    const manifest = await this.db.selectFrom('manifests').select('chunk_size').where('image_id', '=', imageId).executeTakeFirst();
    return { chunks: Number(counts.chunks), shared: Number(counts.shared), chunkSize: Number(manifest?.chunk_size ?? 0) };
  }

  async jobsOf(imageId: string): Promise<Job[]> {
    const rows = await this.db.selectFrom('jobs').selectAll().where('image_id', '=', imageId).orderBy('created_at', 'asc').execute();
    return rows.map(jobFromRow);
  }

  async copiesOf(accountId: string, imageId: string): Promise<Image[]> {
    const copiedFrom = this.engine === 'postgres' ? sql<string>`attributes->>'copiedFrom'` : sql<string>`json_extract(attributes, '$.copiedFrom')`;
    const rows = await this.db
      .selectFrom('images')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('kind', '=', 'custom')
      .where(copiedFrom, '=', imageId)
      .orderBy('seq', 'asc')
      .execute();
    return rows.map(imageFromRow);
  }
}
