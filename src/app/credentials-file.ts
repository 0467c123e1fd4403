import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface KeyPair {
  publicKey: string;
  privateKey: string;
}

export function credentialsPath(dataDir: string): string {
  return join(dataDir, 'credentials.json');
}

/**
 * Writes the admin key pair to `<dataDir>/credentials.json`: the folder is created, the
 * pair goes to a temp file born 0600 (never readable by others, even for a moment), is
 * flushed, then renamed over the target, so a crash leaves either no file or a whole one.
 * A file left by an earlier installation is replaced: its keys belong to no account of
 * this database.
 */
export async function writeCredentials(dataDir: string, keys: KeyPair): Promise<string> {
  await mkdir(dataDir, { recursive: true });
  const path = credentialsPath(dataDir);
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const f = await open(temp, 'wx', 0o600);
    try {
      await f.writeFile(JSON.stringify({ publicKey: keys.publicKey, privateKey: keys.privateKey }, null, 2) + '\n');
      await f.sync();
    } finally {
      await f.close();
    }
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true }).catch(() => {});
    throw e;
  }
  return path;
}
