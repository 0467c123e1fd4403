// Classifies an IP address by whether an import may connect to it. Only addresses that are
// plainly globally routable are 'public'; anything that could reach the host itself, the
// local network or a cloud metadata service gets a named class so the refusal can say why.
import { isIPv4, isIPv6 } from 'node:net';

export type AddressClass = 'public' | 'loopback' | 'unspecified' | 'link-local' | 'private' | 'cgnat' | 'multicast' | 'broadcast' | 'reserved';

const DESCRIPTIONS: Record<Exclude<AddressClass, 'public'>, string> = {
  loopback: 'loopback address',
  unspecified: 'unspecified address',
  'link-local': 'link-local address',
  private: 'private address',
  cgnat: 'shared (CGNAT) address',
  multicast: 'multicast address',
  broadcast: 'broadcast address',
  reserved: 'reserved address',
};

/** Human text for a refused class, e.g. "loopback address". */
export function describeAddressClass(c: Exclude<AddressClass, 'public'>): string {
  return DESCRIPTIONS[c];
}

/**
 * Class of a literal IPv4 or IPv6 address (brackets and a zone id are tolerated).
 * Throws TypeError on anything that is not an IP literal: callers must resolve names first.
 */
export function classifyAddress(address: string): AddressClass {
  const bare = address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (isIPv4(bare)) return classifyV4(parseV4(bare));
  if (isIPv6(bare)) return classifyV6(parseV6(bare));
  throw new TypeError(`not an IP address: ${JSON.stringify(address)}`);
}

function parseV4(s: string): number {
  // isIPv4 has already guaranteed four decimal octets 0-255.
  return s.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

function inV4(ip: number, base: string, bits: number): boolean {
  const size = 2 ** (32 - bits);
  return Math.floor(ip / size) === Math.floor(parseV4(base) / size);
}

function classifyV4(ip: number): AddressClass {
  if (ip === 0) return 'unspecified';
  if (ip === 0xffffffff) return 'broadcast';
  if (inV4(ip, '127.0.0.0', 8)) return 'loopback';
  if (inV4(ip, '10.0.0.0', 8) || inV4(ip, '172.16.0.0', 12) || inV4(ip, '192.168.0.0', 16)) return 'private';
  if (inV4(ip, '100.64.0.0', 10)) return 'cgnat';
  if (inV4(ip, '169.254.0.0', 16)) return 'link-local';
  if (inV4(ip, '224.0.0.0', 4)) return 'multicast';
  // "This network", future use, protocol assignments, documentation, benchmarking and the
  // old 6to4 relay range: none is a legitimate place to download an image from.
  const reserved: [string, number][] = [
    ['0.0.0.0', 8],
    ['240.0.0.0', 4],
    ['192.0.0.0', 24],
    ['192.0.2.0', 24],
    ['198.51.100.0', 24],
    ['203.0.113.0', 24],
    ['198.18.0.0', 15],
    ['192.88.99.0', 24],
  ];
  if (reserved.some(([base, bits]) => inV4(ip, base, bits))) return 'reserved';
  return 'public';
}

/** 16 bytes of an IPv6 address already validated by isIPv6 (may end in a dotted quad). */
function parseV6(s: string): number[] {
  let text = s.toLowerCase();
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    const v4 = parseV4(quad[1]!);
    text = text.slice(0, -quad[1]!.length) + `${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  const groups = tail === undefined ? headGroups : [...headGroups, ...zeros, ...tailGroups];
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

function v4At(b: number[], at: number, invert = false): number {
  const x = ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
  return invert ? ~x >>> 0 : x;
}

function startsWith(b: number[], prefix: number[]): boolean {
  return prefix.every((v, i) => b[i] === v);
}

function classifyV6(b: number[]): AddressClass {
  const first10Zero = b.slice(0, 10).every((x) => x === 0);
  if (b.every((x) => x === 0)) return 'unspecified';
  if (b.slice(0, 15).every((x) => x === 0) && b[15] === 1) return 'loopback';
  // Forms that embed an IPv4 address take the class of that address, so ::ffff:127.0.0.1,
  // NAT64 64:ff9b::a.b.c.d and 6to4 2002:a.b.c.d:: cannot smuggle a loopback or metadata hop.
  if (first10Zero && b[10] === 0xff && b[11] === 0xff) return classifyV4(v4At(b, 12));
  if (first10Zero && b[10] === 0 && b[11] === 0) {
    // Deprecated IPv4-compatible ::a.b.c.d: never legitimate, but name the embedded class.
    const inner = classifyV4(v4At(b, 12));
    return inner === 'public' ? 'reserved' : inner;
  }
  if (startsWith(b, [0x00, 0x64, 0xff, 0x9b]) && b.slice(4, 12).every((x) => x === 0)) return classifyV4(v4At(b, 12));
  if (startsWith(b, [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01])) return 'private'; // local-use NAT64 (RFC 8215)
  if (startsWith(b, [0x20, 0x02])) return classifyV4(v4At(b, 2));
  if (startsWith(b, [0x20, 0x01, 0x00, 0x00])) return classifyV4(v4At(b, 12, true)); // Teredo: client IPv4 is inverted
  if (b[0] === 0xff) return 'multicast';
  if (b[0] === 0xfe && (b[1]! & 0xc0) === 0x80) return 'link-local';
  if (b[0] === 0xfe && (b[1]! & 0xc0) === 0xc0) return 'private'; // deprecated site-local fec0::/10
  if ((b[0]! & 0xfe) === 0xfc) return 'private'; // unique local fc00::/7
  if (startsWith(b, [0x20, 0x01, 0x0d, 0xb8])) return 'reserved'; // documentation
  // Only 2000::/3 is allocated global unicast; everything else (discard 100::/64, ...) is not.
  if ((b[0]! & 0xe0) !== 0x20) return 'reserved';
  return 'public';
}
