// The asynchronous half of the import URL rules: resolve the host and decide whether any
// of its addresses may be reached. Returns the exact addresses to pin the connection to.
import { lookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import { classifyAddress, describeAddressClass } from './address-policy.ts';
import { DownloadError } from './download-error.ts';
import type { CheckedUrl } from './url-policy.ts';

/** Resolves a hostname to every address (the seam tests use to avoid real DNS). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

export interface DestinationRules {
  /** Normalised host:port entries (see parseAllowHosts). */
  allowHosts: readonly string[];
  allowPublic: boolean;
}

const TRANSIENT_DNS = new Set(['EAI_AGAIN', 'ETIMEOUT', 'ECONNREFUSED', 'ESERVFAIL']);

export async function checkDestination(target: CheckedUrl, rules: DestinationRules, resolve: Resolver): Promise<LookupAddress[]> {
  const listed = rules.allowHosts.includes(target.hostPort);
  if (!listed && !rules.allowPublic) {
    throw new DownloadError(
      `import URL host ${target.hostPort} is not in KILN_IMPORT_ALLOW_HOSTS (imports from other hosts are disabled by KILN_IMPORT_ALLOW_PUBLIC=false)`,
    );
  }
  const addresses = target.literal ? [target.literal] : await resolveOrExplain(target, resolve);
  if (listed) return addresses;
  // ANY bad address refuses the host: a name answering both public and private addresses
  // must not get a second chance at the private one on a retry or happy-eyeballs fallback.
  for (const a of addresses) {
    const cls = classifyAddress(a.address);
    if (cls === 'public') continue;
    const what = describeAddressClass(cls);
    const why = target.literal ? what : `it resolves to ${a.address}, a ${what}`;
    throw new DownloadError(`import URL host ${target.hostPort} is not allowed (${why}); add it to KILN_IMPORT_ALLOW_HOSTS to permit it`);
  }
  return addresses;
}

async function resolveOrExplain(target: CheckedUrl, resolve: Resolver): Promise<LookupAddress[]> {
  let addresses: LookupAddress[];
  try {
    addresses = await resolve(target.bareHost);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new DownloadError(`import URL host ${target.hostname} could not be resolved (${code})`, {
      transient: TRANSIENT_DNS.has(code),
      cause: e,
    });
  }
  if (addresses.length === 0) throw new DownloadError(`import URL host ${target.hostname} has no addresses`);
  return addresses;
}
