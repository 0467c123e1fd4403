import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * Temporary chunk files are named `<key>.<host>.<pid>.<random>` so that a process can
 * tell its own and other live writers' files from abandoned ones. Several processes
 * (a server importing, an admin command, workers on other hosts sharing the directory)
 * write into one tmp directory; none may remove a file another live process still
 * writes. Only a file of this host whose process is gone is provably abandoned. Age
 * says nothing (a slow writer can hold a file for minutes), so there is no mtime rule.
 */

export interface TempOwner {
  host: string;
  pid: number;
}

/** The host part of temp names: file-name safe and short enough for NAME_MAX. */
export function hostTag(host = hostname()): string {
  const safe = encodeURIComponent(host).replace(/\./g, '%2E');
  return safe.length <= 64 ? safe : `h-${createHash('sha256').update(host).digest('hex').slice(0, 32)}`;
}

export function tempName(key: string, owner: TempOwner = { host: hostTag(), pid: process.pid }): string {
  return `${key}.${owner.host}.${owner.pid}.${randomBytes(6).toString('hex')}`;
}

const tempNamePattern = /^(?:b3:)?[0-9a-f]{64}\.([^.]+)\.(\d+)\.[0-9a-f]{12}$/;

/** The writer of a temp file, or undefined for names this scheme did not make. */
export function tempOwner(name: string): TempOwner | undefined {
  const m = tempNamePattern.exec(name);
  return m ? { host: m[1]!, pid: Number(m[2]) } : undefined;
}

/** True only when the file was written on this host by a process that no longer exists. */
export function isAbandoned(name: string, thisHost = hostTag()): boolean {
  const owner = tempOwner(name);
  if (!owner || owner.host !== thisHost) return false;
  return !processAlive(owner.pid);
}

function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return true; // not a pid we can reason about: keep
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists under another user. Only ESRCH proves it is gone.
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
