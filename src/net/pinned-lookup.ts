// A `lookup` for http(s).request that answers only with addresses already checked, so a
// DNS answer that changes between the check and the connect (rebinding) cannot move the
// connection. The request keeps the real hostname, so Host and TLS SNI/verification use it.
import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';

export function pinnedLookup(hostname: string, addresses: readonly LookupAddress[]): LookupFunction {
  if (addresses.length === 0) throw new TypeError('pinnedLookup needs at least one address');
  const pinned = addresses.map((a) => ({ address: a.address, family: a.family }));
  return (asked, options, callback) => {
    // The socket layer only ever asks about the request's own host; anything else means
    // the lookup leaked to another connection, which must not get these addresses.
    if (asked.toLowerCase() !== hostname.toLowerCase()) {
      const err: NodeJS.ErrnoException = new Error(`pinned lookup for ${hostname} asked about ${asked}`);
      err.code = 'ENOTFOUND';
      callback(err, '', 0);
      return;
    }
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    const usable = family === 4 || family === 6 ? pinned.filter((a) => a.family === family) : pinned;
    if (usable.length === 0) {
      const err: NodeJS.ErrnoException = new Error(`no checked IPv${family} address for ${hostname}`);
      err.code = 'ENOTFOUND';
      callback(err, '', 0);
      return;
    }
    // Node asks for all addresses when happy-eyeballs (autoSelectFamily) is on.
    if (options.all)
      callback(
        null,
        usable.map((a) => ({ ...a })),
      );
    else callback(null, usable[0]!.address, usable[0]!.family);
  };
}
