// Fetches an untrusted import URL (UFileUrl) to a local file: the checked GET of
// checked-fetch.ts, its body streamed to disk under the size cap by save-body.ts, the
// whole transfer held to the minimum rate and deadline of transfer-pace.ts.
import type { Resolver } from './destination-policy.ts';
import { fetchChecked, type DownloadPolicy } from './checked-fetch.ts';
import { saveBody } from './save-body.ts';
import { startPace } from './transfer-pace.ts';

export { DownloadError } from './download-error.ts';
export { parseAllowHosts } from './allow-hosts.ts';
export type { DownloadPolicy } from './checked-fetch.ts';

export interface DownloadOptions {
  signal?: AbortSignal;
  onProgress?: (bytes: number, total: number | null) => void;
  /** Replaces system DNS; a seam for tests, never set in production. */
  resolve?: Resolver;
}

export async function downloadToFile(
  url: string,
  destPath: string,
  policy: DownloadPolicy,
  opts: DownloadOptions = {},
): Promise<{ bytes: number; contentType: string | null }> {
  // Rate and deadline act through the signal every step below already honours.
  const pace = startPace(policy, opts.signal);
  try {
    const res = await fetchChecked(url, policy, { signal: pace.signal, resolve: opts.resolve });
    return await saveBody(res, destPath, policy.maxBytes, {
      ...opts,
      signal: pace.signal,
      onProgress: (bytes, total) => {
        pace.progress(bytes);
        opts.onProgress?.(bytes, total);
      },
    });
  } finally {
    pace.stop();
  }
}
