/**
 * What `dist/` was built from: one hash over every file the build reads. The build writes
 * it next to its output and the test helpers compare it with the checkout, so a `kiln`
 * process is never spawned from JavaScript older than the TypeScript beside it.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..');
export const distDir = join(repoRoot, 'dist');
export const fingerprintFile = join(distDir, 'build-fingerprint.txt');

/** The inputs, as paths relative to the repository: the sources and the build itself. */
function inputs(): string[] {
  const under = (dir: string) =>
    readdirSync(join(repoRoot, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(ts|mjs|eta|js|css)$/.test(f))
      .map((f) => `${dir}/${f.split('\\').join('/')}`);
  return [...under('src'), ...under('packages/sdk/src'), 'scripts/build.ts', 'scripts/build-fingerprint.ts', 'package.json'].sort();
}

export function sourceFingerprint(): string {
  const h = createHash('sha256');
  for (const f of inputs())
    h.update(`${f}\0`)
      .update(readFileSync(join(repoRoot, f)))
      .update('\0');
  return h.digest('hex');
}
