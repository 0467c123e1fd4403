/**
 * What `kiln images import FILE --resume` needs after the command itself was stopped:
 * the upload and image ids, kept beside the profiles (`<config dir>/uploads/`, one small
 * file per upload) from the moment the upload exists until its last byte is in. An
 * upload is keyed by the server, product, absolute path and image name, and remembers
 * the file's size and modification time: a file changed since is not resumed.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { configPath } from './profile.ts';

export interface UploadKey {
  url: string;
  product: string;
  /** Absolute. */
  path: string;
  name: string;
}

export interface UploadState extends UploadKey {
  uploadId: string;
  imageId: string;
  size: number;
  mtimeMs: number;
  /** When the server drops it if it is not finished (RFC 7231 date), '' if not told. */
  expires: string;
}

function fileOf(key: UploadKey, env: NodeJS.ProcessEnv): string {
  const id = createHash('sha256')
    .update(JSON.stringify([key.url, key.product, key.path, key.name]))
    .digest('hex')
    .slice(0, 24);
  return join(dirname(configPath(env)), 'uploads', `${id}.json`);
}

export async function readUploadState(key: UploadKey, env: NodeJS.ProcessEnv = process.env): Promise<UploadState | undefined> {
  let text: string;
  try {
    text = await readFile(fileOf(key, env), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const s = JSON.parse(text) as Partial<UploadState>;
  // A file of another key that hashed alike, or a hand-edited one, is not this upload.
  if (s.url !== key.url || s.product !== key.product || s.path !== key.path || s.name !== key.name) return undefined;
  if (typeof s.uploadId !== 'string' || typeof s.imageId !== 'string' || typeof s.size !== 'number' || typeof s.mtimeMs !== 'number') return undefined;
  return { ...key, uploadId: s.uploadId, imageId: s.imageId, size: s.size, mtimeMs: s.mtimeMs, expires: typeof s.expires === 'string' ? s.expires : '' };
}

export async function writeUploadState(s: UploadState, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const file = fileOf(s, env);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, JSON.stringify(s, null, 2) + '\n', { mode: 0o600 });
}

export async function removeUploadState(key: UploadKey, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await rm(fileOf(key, env), { force: true });
}
