// Judges an import URL at call time, before any image exists, with the same rules the
// import job applies to every hop (url-policy, destination-policy). Only a certain
// refusal is final here: a name that cannot be resolved now (or not quickly) is left to
// the job, whose own check and pinned connection are what really protect, since DNS can
// answer differently by then and redirects are only seen when the file is fetched.
import type { LookupAddress } from 'node:dns';
import { parseAllowHosts } from './allow-hosts.ts';
import { checkDestination, systemResolver, type Resolver } from './destination-policy.ts';
import { DownloadError } from './download-error.ts';
import { checkUrl, type Scheme } from './url-policy.ts';

export interface UrlJudgeRules {
  allowHosts: readonly string[];
  allowPublic: boolean;
  allowedSchemes: readonly Scheme[];
  /** How long a lookup may take before the judgement is left to the job. */
  timeoutMs: number;
}

/** Marks a lookup that gave no answer, so its DownloadError is not read as a refusal. */
class Unjudged extends Error {}

/** The refusal's text when the URL may not be imported from, else null. */
export async function refusalOf(url: string, rules: UrlJudgeRules, resolve: Resolver = systemResolver): Promise<string | null> {
  try {
    const target = checkUrl(url, rules.allowedSchemes);
    await checkDestination(
      target,
      { allowHosts: parseAllowHosts(rules.allowHosts.join(',')), allowPublic: rules.allowPublic },
      boundedBy(resolve, rules.timeoutMs),
    );
    return null;
  } catch (e) {
    if (!(e instanceof DownloadError) || e.cause instanceof Unjudged) return null;
    return e.reason;
  }
}

function boundedBy(resolve: Resolver, ms: number): Resolver {
  return async (hostname) => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Unjudged(`no answer for ${hostname} within ${ms} ms`)), ms);
    });
    const lookup = resolve(hostname);
    lookup.catch(() => undefined); // a failure after the deadline is not unhandled
    let addresses: LookupAddress[];
    try {
      addresses = await Promise.race([lookup, late]);
    } catch (e) {
      throw e instanceof Unjudged ? e : new Unjudged(`lookup of ${hostname} failed`, { cause: e });
    } finally {
      clearTimeout(timer);
    }
    if (addresses.length === 0) throw new Unjudged(`no addresses for ${hostname}`);
    return addresses;
  };
}
