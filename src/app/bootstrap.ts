import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kiln } from './kiln.ts';

/**
 * On first start, creates the admin account. Its key pair is printed once and written to
 * `credentials.json` (mode 0600); KILN_BOOTSTRAP_* fix the pair instead of generating one.
 */
export async function ensureAdmin(kiln: Kiln): Promise<{ created: boolean; publicKey?: string; privateKey?: string }> {
  if (await kiln.services.accounts.adminExists()) return { created: false };
  const { publicKey, privateKey } = kiln.config.bootstrap;
  const created = await kiln.services.accounts.create('admin', { isAdmin: true, publicKey, privateKey });
  const path = join(kiln.config.dataDir, 'credentials.json');
  if (!existsSync(path)) {
    await writeFile(path, JSON.stringify({ publicKey: created.publicKey, privateKey: created.privateKey }, null, 2) + '\n', { mode: 0o600 });
  }
  return { created: true, publicKey: created.publicKey, privateKey: created.privateKey };
}
