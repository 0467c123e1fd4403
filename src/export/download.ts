import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { Principal } from '../core/model.ts';
import type { Product } from '../core/products.ts';
import { ExportError } from './authenticate.ts';
import { layoutOf, qcow2Stream } from './qcow2-stream.ts';
import { parseRange } from './range.ts';
import type { ExportDeps } from './routes.ts';
import { VirtualDisk } from './virtual-disk.ts';

/**
 * Streams an image the principal may see, raw (with `Range: bytes=N-` resumption) or as
 * qcow2: the one download, behind both /v1/images/download and the console's link.
 */
export async function sendImageDownload(
  d: Omit<ExportDeps, 'services'> & { services: Pick<ExportDeps['services'], 'images'> },
  principal: Principal,
  product: Product,
  id: string,
  format: string,
  rangeHeader: string | undefined,
  reply: FastifyReply,
): Promise<FastifyReply> {
  if (format !== 'raw' && format !== 'qcow2') throw new ExportError(400, 'InvalidParameter', 'Format must be raw or qcow2');
  // Visibility is core's: the caller's own images, base images and public community images.
  const image = await d.services.images.get(principal, product, id);
  if (image.state !== 'available') throw new ExportError(409, 'ImageNotAvailable', `image ${id} is ${image.state}; only an available image can be downloaded`);
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
  const range = parseRange(rangeHeader, disk.size);
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
}
