// PLACEHOLDER until the safe URL fetcher lands: only allow-listed host:port, no redirects.
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';

export interface DownloadPolicy {
  allowHosts: string[];
  allowPublic: boolean;
  allowedSchemes: ('http:' | 'https:')[];
  maxBytes: number;
  maxRedirects: number;
  timeoutMs: number;
}

export class DownloadError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export async function downloadToFile(
  url: string,
  destPath: string,
  policy: DownloadPolicy,
  opts: { signal?: AbortSignal; onProgress?: (bytes: number, total: number | null) => void } = {},
): Promise<{ bytes: number; contentType: string | null }> {
  const u = new URL(url);
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  if (!policy.allowHosts.includes(`${u.hostname}:${port}`)) throw new DownloadError(`import URL host ${u.hostname}:${port} is not allowed`);
  const res = await fetch(u, { redirect: 'manual', signal: opts.signal ?? null });
  if (res.status < 200 || res.status > 299 || !res.body) throw new DownloadError(`import URL answered HTTP ${res.status}`);
  const part = destPath + '.part';
  let bytes = 0;
  try {
    await pipeline(
      res.body,
      async function* (src: AsyncIterable<Uint8Array>) {
        for await (const c of src) {
          bytes += c.length;
          if (bytes > policy.maxBytes) throw new DownloadError('import file exceeds the size cap');
          opts.onProgress?.(bytes, null);
          yield c;
        }
      },
      createWriteStream(part),
    );
    await rename(part, destPath);
  } catch (e) {
    await unlink(part).catch(() => undefined);
    throw e;
  }
  return { bytes, contentType: res.headers.get('content-type') };
}
