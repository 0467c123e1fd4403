import type { KilnConfig } from '../../config/config.ts';
import { checkBlobs } from './blob-check.ts';
import type { CheckResult } from './check-result.ts';
import { checkDatabase } from './database-check.ts';
import { checkMasterKey } from './master-key-check.ts';

/**
 * `kiln check`: tries the configured database, chunk store and master key the way the
 * server uses them, changes nothing the server keeps, and reports every problem at once.
 */
export async function checkInstallation(config: KilnConfig): Promise<{ ok: boolean; checks: CheckResult[] }> {
  const [database, blobs, masterKey] = await Promise.all([checkDatabase(config.database), checkBlobs(config.blobs), checkMasterKey(config.masterKeyFile)]);
  const checks = [database, ...blobs, masterKey];
  return { ok: checks.every((c) => c.ok), checks };
}
