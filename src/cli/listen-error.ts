/**
 * Why `kiln serve` could not take its address, as the one line an operator needs: a second
 * `npm start` beside a running server used to end in a stack trace. Undefined for errors
 * that are not about the address (those keep their stack: they are bugs or worse).
 */
const REASONS: Record<string, string> = {
  EADDRINUSE: 'the port is in use (another kiln serve, or another program, listens there); stop it or set KILN_PORT',
  EACCES: 'permission denied (ports below 1024 need privileges); set KILN_PORT',
  EADDRNOTAVAIL: "the address is not one of this machine's; set KILN_HOST",
};

export function listenErrorLine(e: unknown, host: string, port: number): string | undefined {
  const code = e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
  const reason = code === undefined ? undefined : REASONS[code];
  // An IPv6 host is bracketed, as in a URL, so the port stays readable.
  return reason === undefined ? undefined : `kiln: cannot listen on ${host.includes(':') ? `[${host}]` : host}:${port}: ${reason}`;
}
