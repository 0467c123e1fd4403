import { readFileSync } from 'node:fs';

/**
 * The version of the installed package, read from its package.json: src/cli and the
 * compiled dist/cli are both two levels below it, in a checkout and once installed.
 */
export function packageVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  const version = typeof pkg === 'object' && pkg !== null && 'version' in pkg ? pkg.version : undefined;
  return typeof version === 'string' ? version : 'unknown';
}
