// What a 206 answer to a Range request must say for its bytes to be used: exactly the
// range asked for, of the same file (same size, same validator) as the first answer.
// Anything else means the server or the file changed under the import.
import type { IncomingMessage } from 'node:http';
import { DownloadError } from './download-error.ts';

export interface ContentRange {
  start: number;
  /** Inclusive, as on the wire. */
  end: number;
  total: number;
}

/** Parses `bytes START-END/TOTAL`; null for anything else (including an unknown `*` total). */
export function parseContentRange(header: string | undefined): ContentRange | null {
  const m = /^bytes (\d{1,16})-(\d{1,16})\/(\d{1,16})$/.exec(header?.trim() ?? '');
  if (!m) return null;
  const [start, end, total] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!(start <= end && end < total) || !Number.isSafeInteger(total)) return null;
  return { start, end, total };
}

/** The file a ranged import reads: its size and whatever validator the server gave. */
export interface RemoteFileIdentity {
  size: number;
  etag: string | null;
  lastModified: string | null;
}

export function identityOf(res: IncomingMessage, size: number): RemoteFileIdentity {
  return { size, etag: res.headers.etag ?? null, lastModified: res.headers['last-modified'] ?? null };
}

/** Throws (and destroys the response) unless `res` carries exactly `[start, end]` of `file`. */
export function checkRangeAnswer(res: IncomingMessage, start: number, end: number, file: RemoteFileIdentity): void {
  try {
    checkRangeHead(res.statusCode ?? 0, res.headers, start, end, file);
  } catch (e) {
    res.destroy();
    throw e;
  }
}

/** The header fields of an answer that checkRangeHead reads, lower-case names. */
export interface RangeHeaders {
  'content-range'?: string | undefined;
  etag?: string | undefined;
  'last-modified'?: string | undefined;
}

/** Throws a DownloadError unless a `status` answer with `headers` carries exactly `[start, end]` of `file`. */
export function checkRangeHead(status: number, headers: RangeHeaders, start: number, end: number, file: RemoteFileIdentity): void {
  if (status !== 206) throw new DownloadError(`import URL stopped answering Range requests (HTTP ${status} for bytes ${start}-${end})`);
  const range = parseContentRange(headers['content-range']);
  if (!range || range.start !== start || range.end !== end) {
    throw new DownloadError(`import URL answered a Range request for bytes ${start}-${end} with a different range`);
  }
  const etag = headers.etag ?? null;
  const lastModified = headers['last-modified'] ?? null;
  const changed =
    range.total !== file.size ||
    (file.etag !== null && etag !== file.etag) ||
    (file.etag === null && file.lastModified !== null && lastModified !== file.lastModified);
  if (changed) throw new DownloadError('the file at the import URL changed while it was being imported');
}
