/**
 * Kiln's own image endpoints, for what no vendor API offers (see README, "Get an image
 * back out"):
 *
 *   GET /v1/images/progress?Action=GetImageProgress&ImageId=..&Product=uhost|compshare|zec
 *     -> {State, FailedReason, Phase, PhaseIndex, PhaseCount, DoneBytes, TotalBytes, ...}
 *   GET /v1/images/download?Action=DownloadImage&ImageId=..&Product=..&Format=raw|qcow2
 *
 * signed like a UCloud call (PublicKey, Expires, Signature in the query) or sent with
 * `Authorization: Bearer <token>`. A download streams the chunks in order; raw honours
 * `Range: bytes=N-` so an interrupted download resumes where it stopped.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { KilnServices } from '../core/services.ts';
import { isKilnError } from '../core/errors.ts';
import type { BlobStore } from '../core/ports/blob-store.ts';
import type { ImageRepository } from '../core/ports/metadata-store.ts';
import { Products, type Product } from '../core/products.ts';
import { authenticateExport, ExportError } from './authenticate.ts';
import { sendImageDownload } from './download.ts';

export interface ExportDeps {
  services: KilnServices;
  images: Pick<ImageRepository, 'getManifest'>;
  blobs: BlobStore;
}

const statusOf: Partial<Record<string, number>> = { ImageNotFound: 404, ImageNotAvailable: 409, ImageBusy: 409, ProjectNotFound: 404, PermissionDenied: 403 };

/** The query's parameters, one value each (only one of two could have been signed). */
export function queryOf(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  const raw = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
  for (const [k, v] of new URLSearchParams(raw)) {
    // One value per name: only one of two could have been signed.
    if (Object.hasOwn(out, k)) throw new ExportError(400, 'InvalidParameter', `parameter ${k} appears twice`);
    out[k] = v;
  }
  return out;
}

function product(q: Record<string, string>): Product {
  const p = q.Product ?? '';
  if (!Products.includes(p as Product)) throw new ExportError(400, 'InvalidParameter', `Product must be one of ${Products.join(', ')}`);
  return p as Product;
}

function imageId(q: Record<string, string>): string {
  if (!q.ImageId) throw new ExportError(400, 'MissingParameter', 'ImageId is required');
  return q.ImageId;
}

async function answerError(reply: FastifyReply, e: unknown): Promise<FastifyReply> {
  if (e instanceof ExportError) return reply.status(e.status).send({ code: e.code, message: e.message });
  if (isKilnError(e)) return reply.status(statusOf[e.code] ?? 400).send({ code: e.code, message: e.message });
  throw e;
}

export function exportRoutes(app: FastifyInstance, d: ExportDeps): void {
  app.get('/v1/images/progress', async (request, reply) => {
    try {
      const q = queryOf(request);
      const principal = await authenticateExport(d.services, 'GetImageProgress', q, request.headers.authorization);
      const id = imageId(q);
      const p = product(q);
      const image = await d.services.images.getOwned(principal, p, id);
      const pr = await d.services.images.progress(principal, p, id);
      return reply.send({
        ImageId: id,
        State: image.state === 'making' ? 'Making' : image.state === 'available' ? 'Available' : 'Failed',
        FailedReason: image.failedReason ?? '',
        // For work done in steps (an import without ranges: download, then convert), the
        // counts are of the step named; '' and 0 for one-step work.
        Phase: pr.phase?.name ?? '',
        PhaseIndex: pr.phase?.index ?? 0,
        PhaseCount: pr.phase?.count ?? 0,
        DoneBytes: pr.done,
        // null while unknown (no count yet, or a download of unannounced size): never a guess.
        TotalBytes: pr.total,
        ElapsedSeconds: pr.elapsedSeconds,
        RemainingSeconds: pr.remainingSeconds,
        AverageBytesPerSecond: pr.averageBytesPerSecond,
      });
    } catch (e) {
      return answerError(reply, e);
    }
  });

  app.get('/v1/images/download', async (request, reply) => {
    try {
      const q = queryOf(request);
      const principal = await authenticateExport(d.services, 'DownloadImage', q, request.headers.authorization);
      return await sendImageDownload(d, principal, product(q), imageId(q), q.Format ?? 'raw', request.headers.range, reply);
    } catch (e) {
      return answerError(reply, e);
    }
  });
}
