import type { KilnConfig } from '../../config/config.ts';
import { KilnError, renamedParam } from '../errors.ts';
import { newId } from '../ids.ts';
import { queueImportJob } from '../images/import-job.ts';
import { newImportedImage } from '../images/new-image.ts';
import type { Image, OsType, Principal, Upload } from '../model.ts';
import type { BlobStore } from '../ports/blob-store.ts';
import type { MetadataStore, Repositories } from '../ports/metadata-store.ts';
import { policyOf, type Product } from '../products.ts';
import type { ResourceIds } from '../resource-ids.ts';
import { parseChecksum } from './upload-checksum.ts';
import { receiveParts } from './upload-receiver.ts';

export interface CreateUploadRequest {
  product: Product;
  /** Declared size of the file in bytes. */
  length: number;
  name: string;
  format: Upload['format'];
  /** `sha256:<64 hex>` of the whole file. */
  checksum: string;
  region: string;
  zone: string;
  osType: OsType;
  osName: string;
  description?: string;
  attributes?: Record<string, string>;
}

/**
 * Uploads of a disk image from a client's own file: the rules, not the wire (src/upload
 * speaks tus). Creating one makes its image (making) and takes its quota slot at once, as
 * a URL import does; the bytes arrive as staged parts over any number of requests on any
 * API process; when the last byte is in, an import job reads the parts through the same
 * pipeline as a URL import. An upload is its account's alone: another account's id is
 * not found, exactly like a missing one.
 */
export class UploadService {
  constructor(private readonly deps: { store: MetadataStore; blobs: BlobStore; config: KilnConfig; ids: ResourceIds }) {}

  async create(p: Principal, req: CreateUploadRequest): Promise<{ upload: Upload; image: Image }> {
    const limits = this.deps.config.uploads;
    if (!Number.isSafeInteger(req.length) || req.length < 1)
      throw new KilnError('InvalidParameter', 'Upload-Length must be a whole number of bytes, at least 1');
    if (req.length > limits.maxBytes) {
      throw new KilnError('InvalidParameter', `the file is ${req.length} bytes, over the upload limit of ${limits.maxBytes} bytes (KILN_UPLOAD_MAX_BYTES)`);
    }
    const checksum = parseChecksum(req.checksum);
    const image = newImportedImage(this.deps.ids.image(req.product), req.product, p, req, { uploaded: true });
    try {
      const upload = await this.deps.store.transaction(async (tx) => {
        // The quota row first, as every image writer takes it; the open-upload count is read under it.
        await tx.quota.take(p.accountId, req.product, this.deps.config.quotas.customImagesPerAccount);
        if ((await tx.uploads.countReceiving(p.accountId)) >= limits.maxOpenPerAccount) {
          throw new KilnError(
            'UploadLimitExceeded',
            `the account has ${limits.maxOpenPerAccount} unfinished uploads, as many as it may (KILN_UPLOAD_MAX_OPEN_PER_ACCOUNT); finish or abort one first`,
          );
        }
        await tx.images.insert(image, { uniqueName: policyOf(req.product).uniqueImageNames });
        return tx.uploads.insert(
          {
            id: newId('upl-'),
            accountId: p.accountId,
            projectId: p.projectId,
            product: req.product,
            imageId: image.id,
            length: req.length,
            offset: 0,
            format: req.format,
            checksum,
            state: 'receiving',
          },
          limits.expiryMs,
        );
      });
      return { upload, image };
    } catch (e) {
      throw renamedParam(e, 'NameTaken', 'name');
    }
  }

  /** The caller's upload; any other (another account's, finished, aborted, expired) is not found. */
  async get(p: Principal, id: string): Promise<Upload> {
    const upload = await this.deps.store.uploads.get(id);
    if (!upload || upload.accountId !== p.accountId || upload.projectId !== p.projectId) {
      throw new KilnError('UploadNotFound', `upload ${id} does not exist`);
    }
    return upload;
  }

  /**
   * Takes a PATCH's bytes from `offset`, which must be where the upload stands. Stored parts
   * are kept whatever happens to the connection; when the last byte is in, the import job
   * is queued. Returns the upload as it stands after the bytes, and the connection's error
   * if the body was cut short.
   */
  async receive(
    p: Principal,
    id: string,
    offset: number,
    body: AsyncIterable<Buffer>,
    bodyLength: number | undefined,
  ): Promise<{ upload: Upload; cut: unknown }> {
    const upload = await this.get(p, id);
    if (offset !== upload.offset) {
      throw new KilnError('UploadOffsetMismatch', `upload ${id} stands at byte ${upload.offset}, not ${offset}; resume from ${upload.offset}`);
    }
    if (bodyLength !== undefined && offset + bodyLength > upload.length) {
      throw new KilnError('UploadComplete', `${bodyLength} bytes from byte ${offset} go past the upload's declared length of ${upload.length} bytes`);
    }
    let cut: unknown;
    try {
      if (upload.state === 'receiving' && upload.offset < upload.length) {
        const got = await receiveParts(this.deps, upload, body, {
          partBytes: this.deps.config.disk.chunkSize,
          expiresInMs: this.deps.config.uploads.expiryMs,
        });
        cut = got.cut;
      }
    } finally {
      // Also when the body went on past the length: every declared byte is in all the same.
      const now = await this.deps.store.uploads.get(id);
      if (now && now.offset === now.length && now.state === 'receiving') await this.finish(now);
    }
    return { upload: await this.get(p, id), cut };
  }

  /**
   * Every byte is in: the import job takes over. Only one request queues it (the state
   * moves in the same transaction), however many finish at once on however many processes.
   */
  private async finish(upload: Upload): Promise<void> {
    await this.deps.store.transaction(async (tx) => {
      if (!(await tx.uploads.markProcessing(upload.id))) return;
      await queueImportJob(tx, { id: upload.imageId, accountId: upload.accountId }, { uploadId: upload.id, format: upload.format });
    });
  }

  /**
   * Ends an upload and deletes its image, giving the quota slot back: whatever it had
   * received is left to garbage collection (its parts are no longer pending for anyone).
   */
  async abort(p: Principal, id: string): Promise<void> {
    const upload = await this.get(p, id);
    await this.deps.store.transaction(async (tx) => {
      // The quota row before the image row, the order every image writer takes them in.
      await tx.quota.lock(upload.accountId, upload.product);
      const image = await tx.images.get(upload.imageId);
      if (image) {
        // A failed image already gave its slot back.
        if (image.state !== 'unavailable') await tx.quota.release(upload.accountId, upload.product);
        await tx.images.delete(image);
        for (const job of await tx.jobs.cancelForImage(image.id, `cancelled: upload ${id} was aborted`)) await tx.chunks.clearPending(job.id);
      }
      await dropUpload(tx, id);
    });
  }
}

/** Forgets an upload; its staged parts are then unreferenced chunks like any other. */
export async function dropUpload(tx: Repositories, uploadId: string): Promise<void> {
  await tx.uploads.delete(uploadId);
  await tx.chunks.clearPending(uploadId);
}
