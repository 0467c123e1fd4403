/**
 * Kiln's own upload endpoint, beside download and progress (see README, "Upload a disk
 * image"): tus 1.0.0 with the creation, termination and expiration extensions,
 * so the official tus clients and `curl -T`-like PATCH streams work against it.
 *
 *   OPTIONS /v1/uploads            what the server speaks (no authentication)
 *   POST    /v1/uploads            create: Upload-Length, Upload-Metadata (product, name, format, checksum, ...)
 *   HEAD    /v1/uploads/:id        how many bytes have arrived (Upload-Offset)
 *   PATCH   /v1/uploads/:id        the next bytes, from Upload-Offset
 *   DELETE  /v1/uploads/:id        abort: the upload and its image are gone
 *
 * Authenticated like the export endpoints: a Bearer token, or the UCloud signature in the
 * query with Action=CreateUpload on the POST and Action=Upload&UploadId=<id> on the rest.
 * The same endpoint is also mounted at /console/uploads for the console's browser upload,
 * authenticated there by the console session plus its CSRF token (session-principal.ts):
 * the session cookie is scoped to /console, so /v1/uploads never sees it and keeps
 * accepting keys only.
 * Refusals are HTTP status + JSON {code, message}.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isKilnError } from '../core/errors.ts';
import type { Principal } from '../core/model.ts';
import type { KilnServices } from '../core/services.ts';
import { authenticateExport, ExportError } from '../export/authenticate.ts';
import { queryOf } from '../export/routes.ts';
import { createRequestOf } from './create-request.ts';
import { exemptFromRequestTimeout } from './long-request.ts';
import { answerThenLinger } from '../http/lingering-close.ts';
import { consoleSessionPrincipal } from './session-principal.ts';
import { parseTusMetadata } from './tus-metadata.ts';
import { UploadRate } from './upload-rate.ts';

const TUS_VERSION = '1.0.0';

const statusOf: Partial<Record<string, number>> = {
  UploadNotFound: 404,
  UploadOffsetMismatch: 409,
  UploadComplete: 400,
  UploadLimitExceeded: 429,
  QuotaExceeded: 403,
  NameTaken: 409,
  ProjectNotFound: 404,
  PermissionDenied: 403,
};

async function answerError(reply: FastifyReply, e: unknown): Promise<FastifyReply> {
  reply.header('tus-resumable', TUS_VERSION).header('cache-control', 'no-store');
  if (e instanceof ExportError) return reply.status(e.status).send({ code: e.code, message: e.message });
  if (isKilnError(e)) return reply.status(statusOf[e.code] ?? 400).send({ code: e.code, message: e.message });
  throw e;
}

/**
 * A refused PATCH has a body of up to the whole file still coming. Answered the usual
 * way, its connection would stay open until the keep-alive timeout with the body unread
 * (and hold a server's shutdown that long); closed at once, the client still writing may
 * see a reset instead of the answer. So the answer goes out and the rest is read and
 * dropped, within bounds, before the connection closes (lingering-close.ts).
 */
async function refusePatch(request: FastifyRequest, reply: FastifyReply, e: unknown): Promise<FastifyReply> {
  if (request.raw.readableEnded) return answerError(reply, e);
  const status = e instanceof ExportError ? e.status : isKilnError(e) ? (statusOf[e.code] ?? 400) : undefined;
  if (status === undefined || !(e instanceof Error) || !('code' in e)) throw e;
  const headers = { 'tus-resumable': TUS_VERSION, 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8' };
  return answerThenLinger(request, reply, { status, headers, body: { code: String(e.code), message: e.message } });
}

/** Every request but OPTIONS names the protocol version it speaks; tus answers 412 otherwise. */
function requireTus(request: FastifyRequest): void {
  if (request.headers['tus-resumable'] !== TUS_VERSION) {
    throw new ExportError(412, 'UnsupportedVersion', `send Tus-Resumable: ${TUS_VERSION}; this server speaks tus ${TUS_VERSION}`);
  }
}

function offsetHeader(request: FastifyRequest): number {
  const v = request.headers['upload-offset'];
  if (typeof v !== 'string' || !/^\d{1,16}$/.test(v)) throw new ExportError(400, 'InvalidParameter', 'Upload-Offset must be the byte the body starts at');
  return Number(v);
}

export function uploadRoutes(app: FastifyInstance, services: KilnServices): void {
  const config = services.config.uploads;
  // One schedule per process, shared by every PATCH this process reads.
  const rate = config.maxBytesPerS > 0 ? new UploadRate(config.maxBytesPerS) : undefined;

  const keyPrincipal = (request: FastifyRequest, id: string | undefined): Promise<Principal> => {
    const q = queryOf(request);
    // A signed URL names the upload it is for, so a URL for one upload cannot act on another.
    if (id !== undefined && q.Signature !== undefined && q.UploadId !== id)
      throw new ExportError(400, 'InvalidParameter', 'UploadId must be the upload in the path');
    return authenticateExport(services, id === undefined ? 'CreateUpload' : 'Upload', q, request.headers.authorization);
  };

  const stateHeaders = (reply: FastifyReply, u: { offset: number; length: number; expiresAt: number }) =>
    reply
      .header('tus-resumable', TUS_VERSION)
      .header('upload-offset', String(u.offset))
      .header('upload-length', String(u.length))
      .header('upload-expires', new Date(u.expiresAt).toUTCString())
      .header('cache-control', 'no-store');

  const mounts: { prefix: string; principalFor: (request: FastifyRequest, id: string | undefined) => Promise<Principal> }[] = [
    { prefix: '/v1/uploads', principalFor: keyPrincipal },
    { prefix: '/console/uploads', principalFor: (request) => consoleSessionPrincipal(services, request) },
  ];
  for (const { prefix, principalFor } of mounts)
    app.register(async (scope) => {
      // A PATCH body is the file itself: read by the handler as a stream, never buffered
      // by Fastify (whose body limit is for the API's small bodies).
      scope.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) => done(null));

      scope.options(prefix, async (_request, reply) =>
        reply
          .status(204)
          .header('tus-resumable', TUS_VERSION)
          .header('tus-version', TUS_VERSION)
          .header('tus-extension', 'creation,termination,expiration')
          .header('tus-max-size', String(config.maxBytes))
          .send(),
      );

      scope.post(prefix, async (request, reply) => {
        try {
          requireTus(request);
          const principal = await principalFor(request, undefined);
          const meta = parseTusMetadata(header(request, 'upload-metadata'));
          const req = createRequestOf(services.config, header(request, 'upload-length'), meta);
          const { upload, image } = await services.uploads.create(principal, req);
          return stateHeaders(reply.status(201), upload).header('location', `${prefix}/${upload.id}`).header('kiln-image-id', image.id).send();
        } catch (e) {
          return answerError(reply, e);
        }
      });

      scope.head(`${prefix}/:id`, async (request, reply) => {
        try {
          requireTus(request);
          const id = idOf(request);
          const upload = await services.uploads.get(await principalFor(request, id), id);
          return stateHeaders(reply.status(200), upload).send();
        } catch (e) {
          // Node sends a HEAD answer's headers only: the status says it.
          return answerError(reply, e);
        }
      });

      scope.patch(`${prefix}/:id`, async (request, reply) => {
        try {
          requireTus(request);
          const id = idOf(request);
          const principal = await principalFor(request, id);
          if (request.headers['content-type'] !== 'application/offset+octet-stream') {
            throw new ExportError(415, 'UnsupportedMediaType', 'a PATCH body must be sent as Content-Type: application/offset+octet-stream');
          }
          const offset = offsetHeader(request);
          const declared = request.headers['content-length'];
          const bodyLength = declared === undefined ? undefined : Number(declared);
          // Checked before any byte is read: a wrong offset or a foreign id reads nothing.
          const before = await services.uploads.get(principal, id);
          if (before.offset !== offset) {
            throw new ExportError(409, 'UploadOffsetMismatch', `upload ${id} stands at byte ${before.offset}, not ${offset}; resume from ${before.offset}`);
          }
          // Parts are made durable as they arrive, so a PATCH cannot be discarded whole after
          // a per-request checksum fails (what tus's checksum extension asks): not offered.
          if (request.headers['upload-checksum'] !== undefined) {
            throw new ExportError(
              400,
              'InvalidParameter',
              'Upload-Checksum is not supported; the whole-file checksum declared at creation is verified before the image is made',
            );
          }
          exemptFromRequestTimeout(request.raw, config.idleTimeoutMs);
          reply.header('connection', 'close');
          const body = rate ? rate.paced(principal.accountId, request.raw, () => request.raw.socket.setTimeout(config.idleTimeoutMs)) : request.raw;
          const { upload, cut } = await services.uploads.receive(principal, id, offset, body, bodyLength);
          if (cut !== undefined) request.log.info({ uploadId: id, offset: upload.offset }, 'upload connection cut; the parts stored are kept');
          return stateHeaders(reply.status(204), upload).send();
        } catch (e) {
          return refusePatch(request, reply, e);
        }
      });

      scope.delete(`${prefix}/:id`, async (request, reply) => {
        try {
          requireTus(request);
          const id = idOf(request);
          await services.uploads.abort(await principalFor(request, id), id);
          return reply.status(204).header('tus-resumable', TUS_VERSION).send();
        } catch (e) {
          return answerError(reply, e);
        }
      });
    });
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function idOf(request: FastifyRequest): string {
  const params: unknown = request.params;
  const id = typeof params === 'object' && params !== null && 'id' in params && typeof params.id === 'string' ? params.id : '';
  if (!/^[A-Za-z0-9-]{1,64}$/.test(id)) throw new ExportError(404, 'UploadNotFound', `upload ${id} does not exist`);
  return id;
}
