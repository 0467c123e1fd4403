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
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { KilnServices } from '../core/services.ts';
import { isKilnError } from '../core/errors.ts';
import type { BlobStore } from '../core/ports/blob-store.ts';
import type { ImageRepository } from '../core/ports/metadata-store.ts';
import { Products, type Product } from '../core/products.ts';
import { authenticateExport, ExportError } from './authenticate.ts';
import { parseRange } from './range.ts';
import { layoutOf, qcow2Stream } from './qcow2-stream.ts';
import { VirtualDisk } from './virtual-disk.ts';

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
      const id = imageId(q);
      const format = q.Format ?? 'raw';
      if (format !== 'raw' && format !== 'qcow2') throw new ExportError(400, 'InvalidParameter', 'Format must be raw or qcow2');
      // Visibility is core's: the caller's own images, base images and public community images.
      const image = await d.services.images.get(principal, product(q), id);
      if (image.state !== 'available')
        throw new ExportError(409, 'ImageNotAvailable', `image ${id} is ${image.state}; only an available image can be downloaded`);
      const manifest = await d.images.getManifest(id);
      if (!manifest) throw new ExportError(409, 'ImageNotAvailable', `image ${id} has no content`);
      const disk = new VirtualDisk(manifest, d.blobs);
      reply.header('content-type', 'application/octet-stream').header('x-kiln-virtual-size', String(disk.size));
      if (format === 'qcow2') {
        const layout = layoutOf(disk);
        return reply
          .header('accept-ranges', 'none')
          .header('content-length', String(layout.fileSize))
          .send(Readable.from(qcow2Stream(disk, layout)));
      }
      reply.header('accept-ranges', 'bytes');
      const range = parseRange(request.headers.range, disk.size);
      if (range === 'unsatisfiable') {
        return reply
          .status(416)
          .header('content-type', 'application/json; charset=utf-8')
          .header('content-range', `bytes */${disk.size}`)
          .send(JSON.stringify({ code: 'InvalidRange', message: `the image is ${disk.size} bytes` }));
      }
      const [start, end] = range ?? [0, disk.size];
      if (range) reply.status(206).header('content-range', `bytes ${start}-${end - 1}/${disk.size}`);
      return reply.header('content-length', String(end - start)).send(Readable.from(disk.range(start, end)));
    } catch (e) {
      return answerError(reply, e);
    }
  });
}
