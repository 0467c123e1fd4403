import { readdir, readFile, readlink } from 'node:fs/promises';

/**
 * Whether process `pid` holds the socket listening on TCP `port`, read from /proc. Tests pick
 * a free port and then start a server on it; under load another test's server can take the
 * same port first, and its /healthz would answer for ours. Where /proc cannot tell (not
 * Linux), true: the caller's other checks stand alone.
 */
export async function listensHere(pid: number, port: number): Promise<boolean> {
  const inodes = new Set<string>();
  let readable = false;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    readable = true;
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT; state 0A is LISTEN; the inode is the tenth field.
      const local = f[1];
      if (!local || f[3] !== '0A') continue;
      if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port && f[9]) inodes.add(f[9]);
    }
  }
  if (!readable) return true;
  if (inodes.size === 0) return false;
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => undefined);
  if (fds === undefined) return false;
  for (const fd of fds) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m && inodes.has(m[1]!)) return true;
  }
  return false;
}
