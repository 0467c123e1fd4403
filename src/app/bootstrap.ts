import { SetupError } from '../config/setup-error.ts';
import type { Kiln } from './kiln.ts';
import { credentialsPath, writeCredentials, type KeyPair } from './credentials-file.ts';

export type BootstrapResult = { created: true; publicKey: string; privateKey: string; credentialsFile: string } | { created: false; hint: string };

/** What a second bootstrap says: the private key is sealed in the store and never shown again. */
export const KEYS_HINT = 'the admin exists and its private key is not shown again; make another key pair with `kiln account keys create admin`';

/**
 * On first start, creates the admin account (KILN_BOOTSTRAP_* fix its key pair instead of
 * generating one). Once the account exists its keys are handed to `announce` before
 * anything else can fail: the caller prints them, so a failing credentials.json write
 * (a read-only disk, a full one) costs the file, never the only copy of the keys. The
 * write's error is thrown after the announcement.
 */
export async function ensureAdmin(kiln: Kiln, announce: (keys: KeyPair & { credentialsFile: string }) => void): Promise<BootstrapResult> {
  if (await kiln.services.accounts.adminExists()) return { created: false, hint: KEYS_HINT };
  const { publicKey, privateKey } = kiln.config.bootstrap;
  const created = await kiln.services.accounts.create('admin', { isAdmin: true, publicKey, privateKey });
  const keys = { publicKey: created.publicKey, privateKey: created.privateKey, credentialsFile: credentialsPath(kiln.config.dataDir) };
  announce(keys);
  try {
    await writeCredentials(kiln.config.dataDir, keys);
  } catch (e) {
    throw new SetupError(
      `the admin key pair was printed above but could not be saved to ${keys.credentialsFile}: ${e instanceof Error ? e.message : String(e)}`,
      'keep the printed pair (it is not shown again), or make another with `kiln account keys create admin`',
      { cause: e },
    );
  }
  return { created: true, ...keys };
}
