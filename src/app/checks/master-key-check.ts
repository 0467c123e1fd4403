import { readFile } from 'node:fs/promises';
import type { CheckResult } from './check-result.ts';

/**
 * The master key seals API private keys: a missing file is made by the first command
 * that needs one, which is fine on the first host only, since every API host must hold
 * the same file. The check only reads.
 */
export async function checkMasterKey(path: string): Promise<CheckResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return { name: 'master key', ok: true, detail: `${path}: not there yet; kiln bootstrap creates it, then copy that one file to every API host` };
    }
    return { name: 'master key', ok: false, detail: `${path}: ${(e as Error).message}`, fix: `make ${path} readable by the user kiln runs as` };
  }
  if (Buffer.from(text.trim(), 'base64').length !== 32) {
    return {
      name: 'master key',
      ok: false,
      detail: `${path}: does not hold 32 base64-encoded bytes`,
      fix: `copy the installation's master key to ${path} (a new one cannot open the keys already stored)`,
    };
  }
  return { name: 'master key', ok: true, detail: `${path}: present` };
}
