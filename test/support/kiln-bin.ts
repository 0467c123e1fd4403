import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fingerprintFile, repoRoot, sourceFingerprint } from '../../scripts/build-fingerprint.ts';

/**
 * The `kiln` executable the tests spawn: bin/kiln.js, which runs the compiled dist/ (no
 * TypeScript loader in each of the suite's hundreds of processes). `npm test` builds dist
 * first; a test file run alone finds it stale after an edit and stops here rather than
 * test yesterday's code.
 */
export function builtKilnBin(): string {
  const built = existsSync(fingerprintFile) ? readFileSync(fingerprintFile, 'utf8').trim() : undefined;
  if (built !== checkoutFingerprint()) {
    throw new Error(`dist/ ${built ? 'was built from other sources than these' : 'is not built'}: run \`npm run build\` (\`npm test\` does it itself)`);
  }
  return join(repoRoot, 'bin/kiln.js');
}

let fingerprint: string | undefined;
/** The checkout's source fingerprint, hashed once per process (it reads every source file). */
export function checkoutFingerprint(): string {
  fingerprint ??= sourceFingerprint();
  return fingerprint;
}
