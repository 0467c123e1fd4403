// KILN_IMPORT_ALLOW_HOSTS: the exact host:port pairs an import may reach even when they
// resolve to loopback or private addresses. Entries are normalised the way the WHATWG URL
// parser normalises a URL's host, so an entry and a URL naming the same host compare equal.

const ENTRY = /^(\[[^\]]*\]|[^:\s/?#@\\[\]]+):(\d{1,5})$/;

/**
 * Parses a comma- or whitespace-separated list of host:port entries into normalised
 * `host:port` strings (host lowercased, numeric forms canonical, IPv6 in brackets).
 * Throws an Error naming the bad entry when one is malformed.
 */
export function parseAllowHosts(value: string | undefined): string[] {
  const out = new Set<string>();
  for (const entry of (value ?? '').split(/[\s,]+/)) {
    if (entry !== '') out.add(normaliseAllowHost(entry));
  }
  return [...out];
}

export function normaliseAllowHost(entry: string): string {
  const bad = (why: string) =>
    new Error(`KILN_IMPORT_ALLOW_HOSTS: entry "${entry}" is not valid: ${why} (expected host:port, e.g. files.internal:8080 or [fd00::1]:80)`);
  const m = ENTRY.exec(entry.trim());
  if (!m) throw bad('not of the form host:port');
  const [, host = '', portText = ''] = m;
  const port = Number(portText);
  if (!(port >= 1 && port <= 65535)) throw bad('port must be 1-65535');
  let hostname: string;
  try {
    hostname = new URL(`http://${host}/`).hostname;
  } catch {
    throw bad('host is not a valid hostname or IP address');
  }
  if (hostname === '') throw bad('host is empty');
  return `${hostname}:${port}`;
}
