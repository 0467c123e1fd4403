/**
 * `kiln images import ./disk.qcow2 --name N [--wait]`: a local file made into an image
 * through Kiln's upload endpoint. Its SHA-256 is computed first (the server checks the
 * whole file against it), the image id is printed as soon as the upload exists, the
 * bytes go with a progress bar, and a dropped connection is resumed by the SDK from
 * the server's offset. The upload's ids are kept (upload-state.ts) until its last byte
 * is in, so `--resume` goes on after the command itself was stopped.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ApiError, type UploadProgress } from 'kiln-images-sdk';
import { detectFormat } from '../../disk/detect-format.ts';
import { UsageError } from './exit.ts';
import { shellWord } from './interrupted.ts';
import type { ProductImages } from './products.ts';
import { progress, type Progress } from './progress.ts';
import { bytes } from './units.ts';
import { readUploadState, removeUploadState, writeUploadState, type UploadKey, type UploadState } from './upload-state.ts';

/** The products' import actions spell formats this way. */
const WIRE: Record<string, string> = { raw: 'RAW', qcow2: 'QCOW2', vmdk: 'VMDK', vhd: 'VHD' };

export interface UploadRequest {
  file: string;
  name: string;
  format: string | undefined;
  osType: string;
  osName: string;
  resume: boolean;
  server: string;
  signal: AbortSignal;
  /** Told the image id once the upload exists. */
  onImage(imageId: string): void;
  onInterrupt(message: string): void;
}

/** A source that names a scheme is a URL to import from; anything else is a local file. */
export function isUrl(source: string): boolean {
  return /^[a-z][a-z\d+.-]*:\/\//i.test(source);
}

/** The format as the upload declares it: the flag's, or what the content says (refused kinds refused here, before any byte is sent). */
async function wireFormat(path: string, flag: string | undefined): Promise<string> {
  if (flag !== undefined) {
    const f = WIRE[flag.toLowerCase()];
    if (!f) throw new UsageError(`--format must be raw, qcow2, vmdk or vhd, not ${flag}`);
    return f;
  }
  const d = await detectFormat(path);
  if (d.format === null) throw new UsageError(`${path} is not an image Kiln takes: ${d.reason}`);
  return WIRE[d.format]!;
}

function resumeCommand(r: UploadRequest): string {
  return `kiln images import ${shellWord(r.file)} --name ${shellWord(r.name)} --resume`;
}

/** One bar per stage: the checksum (labelled with the file), then the upload (with the image id). */
class StageBars {
  #bar: Progress | undefined;
  #stage = '';

  constructor(private readonly file: string) {}

  show(p: UploadProgress, imageId: string): void {
    if (p.stage === 'processing') return;
    if (p.stage !== this.#stage) {
      this.#bar?.stop();
      this.#stage = p.stage;
      this.#bar = progress(p.stage === 'checksum' ? this.file : imageId);
    }
    const rate = p.bytesPerSecond !== undefined ? { rate: p.bytesPerSecond } : {};
    this.#bar!.show({ done: p.doneBytes, total: p.totalBytes, state: p.stage === 'checksum' ? 'Checksum' : 'Uploading', ...rate });
  }

  /** Ends the bar shown, so a line printed next starts on its own. */
  stop(): void {
    this.#bar?.stop();
    this.#bar = undefined;
    this.#stage = '';
  }
}

/** Uploads the file; answers the image id once its last byte is in (the server then makes the image). */
export async function uploadFile(images: ProductImages, r: UploadRequest): Promise<{ imageId: string; uploadId: string }> {
  const path = resolve(r.file);
  const st = await stat(path).catch(() => undefined);
  if (!st?.isFile()) throw new UsageError(`${r.file} is neither a file nor a URL (http://, https://)`);
  const key: UploadKey = { url: r.server, product: images.product, path, name: r.name };
  const earlier = await readUploadState(key);
  let resume: { uploadId: string; imageId: string } | undefined;
  if (r.resume) {
    if (!earlier) throw new UsageError(`no stopped upload of ${r.file} named ${r.name} to this server and product: leave out --resume to start one`);
    if (earlier.size !== st.size || earlier.mtimeMs !== st.mtimeMs)
      throw new UsageError(`${r.file} changed since its upload began (size or modification time): leave out --resume to upload it again`);
    resume = { uploadId: earlier.uploadId, imageId: earlier.imageId };
  } else if (earlier) {
    // A new start of the same upload drops the stopped one, so its quota is given back now
    // rather than when it expires.
    await images.abortUpload(earlier.uploadId).catch((e: unknown) => {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
    });
    await removeUploadState(key);
  }
  const format = await wireFormat(path, r.format);
  const bars = new StageBars(r.file);
  let imageId = resume?.imageId ?? '';
  let last = 0;
  r.onInterrupt(`stopped before the upload of ${r.file} began; nothing was sent`);
  try {
    const done = await images.upload(path, {
      name: r.name,
      format,
      osType: r.osType,
      osName: r.osName,
      signal: r.signal,
      wait: false,
      ...(resume ? { resume } : {}),
      onCreated: async (u) => {
        imageId = u.imageId;
        const state: UploadState = { ...key, uploadId: u.uploadId, imageId: u.imageId, size: st.size, mtimeMs: st.mtimeMs, expires: u.expires };
        await writeUploadState(state);
        bars.stop();
        r.onImage(u.imageId);
        const until = u.expires ? ` (until ${u.expires})` : '';
        r.onInterrupt(
          `upload of ${r.file} stopped; the server keeps what arrived${until}: \`${resumeCommand(r)}\` (with the same --product and profile) goes on from there`,
        );
      },
      onProgress: (p) => {
        if (p.stage === 'upload') last = p.doneBytes;
        bars.show(p, imageId);
      },
    });
    await removeUploadState(key);
    return { imageId: done.imageId, uploadId: done.uploadId };
  } catch (e) {
    if (e instanceof ApiError && e.action === 'Upload' && e.status === 404 && resume) {
      await removeUploadState(key);
      throw new UsageError(`the server no longer has upload ${resume.uploadId} (expired or dropped): leave out --resume to upload ${r.file} again`);
    }
    if (last > 0 && !r.signal.aborted && e instanceof Error) e.message += ` (${bytes(last)} had been sent; \`${resumeCommand(r)}\` goes on from there)`;
    throw e;
  } finally {
    bars.stop();
  }
}
