// Opens an import URL as a ByteSource for the disk engine. The first request asks for the
// head of the file with a Range header: a 206 gives the size and validators, and the
// import reads ranges from then on (no copy of the file on local disk); a server that
// answers 200 instead sends the whole file, which is spooled to a temp file. Either way the
// bytes received are held to the minimum rate and deadline (transfer-pace.ts): for ranges
// over the time spent waiting on the server, until the source is closed.
import type { IncomingMessage } from 'node:http';
import type { ByteSource } from '../disk/byte-source.ts';
import { fetchChecked, type DownloadPolicy } from './checked-fetch.ts';
import { identityOf, parseContentRange } from './content-range.ts';
import type { Resolver } from './destination-policy.ts';
import { DownloadError } from './download-error.ts';
import { HttpRangeSource, type RangeTuning } from './http-range-source.ts';
import { readBody } from './range-fetch.ts';
import { SpoolSource } from './spool-source.ts';
import type { SpoolSpace } from './spool-space.ts';
import { startPace, type TransferPace } from './transfer-pace.ts';

/** Enough for format detection (32 KiB) and most headers and first tables. */
const PROBE_BYTES = 256 * 1024;

export interface ImportSourceOptions {
  /** Where the file goes when the server cannot do ranges; removed when the source closes. */
  spoolPath: string;
  /** Free space the spool must leave on its filesystem; absent, only the size cap bounds it. */
  spoolSpace?: SpoolSpace;
  signal?: AbortSignal;
  resolve?: Resolver;
  tuning?: Partial<RangeTuning>;
  /** Bytes spooled so far and the announced size, when the server cannot do ranges. */
  onSpoolProgress?: (bytes: number, total: number | null) => void;
}

export type ImportSource = ByteSource & { readonly kind: 'ranges' | 'spool' };

export async function openImportSource(url: string, policy: DownloadPolicy, opts: ImportSourceOptions): Promise<ImportSource> {
  // Rate and deadline act through the signal every request below honours.
  const pace = startPace(policy, opts.signal, { whileWaiting: true });
  pace.waiting(); // the probe, and for a spool the whole download, is waiting on the server
  try {
    const source = await open(url, policy, { ...opts, signal: pace.signal }, pace);
    pace.done();
    // A spool is complete here; a range source stops the pace when it is closed.
    if (source.kind === 'spool') pace.stop();
    return source;
  } catch (e) {
    pace.stop();
    throw e;
  }
}

async function open(url: string, policy: DownloadPolicy, opts: ImportSourceOptions, pace: TransferPace): Promise<ImportSource> {
  const { signal, resolve } = opts;
  let probed = 0;
  const spool = (res: IncomingMessage) =>
    SpoolSource.from(res, opts.spoolPath, { maxBytes: policy.maxBytes, space: opts.spoolSpace }, signal, (bytes, total) => {
      pace.progress(probed + bytes);
      opts.onSpoolProgress?.(bytes, total);
    });
  const whole = async () => spool(await fetchChecked(url, policy, { signal, resolve }));
  let res: IncomingMessage;
  try {
    res = await fetchChecked(url, policy, { signal, resolve, headers: { range: `bytes=0-${PROBE_BYTES - 1}` } });
  } catch (e) {
    // An empty file satisfies no range; fetched whole it is simply empty.
    if (e instanceof DownloadError && e.status === 416) return whole();
    throw e;
  }
  if (res.statusCode !== 206) return spool(res);
  const range = parseContentRange(res.headers['content-range']);
  if (!range || range.start !== 0) {
    // A partial answer we cannot place: ask for the whole file instead.
    res.destroy();
    return whole();
  }
  if (range.total > policy.maxBytes) {
    res.destroy();
    throw new DownloadError(`import file is ${range.total} bytes, over the limit of ${policy.maxBytes} bytes`);
  }
  const head: Buffer[] = [];
  await readBody(res, range.end + 1, signal, (b) => {
    head.push(b);
    probed += b.length;
    pace.progress(probed);
  });
  return new HttpRangeSource({ url, policy, file: identityOf(res, range.total), head, tuning: opts.tuning, signal, resolve, pace });
}
