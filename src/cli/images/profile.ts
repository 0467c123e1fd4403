/**
 * Where `kiln images` finds its server and keys: flags, then environment (KILN_URL,
 * KILN_PUBLIC_KEY, KILN_PRIVATE_KEY, KILN_TOKEN, KILN_PRODUCT, KILN_REGION, KILN_ZONE,
 * KILN_PROFILE), then a profile of the config file ($XDG_CONFIG_HOME/kiln/config.json,
 * ~/.config/kiln/config.json, or KILN_CONFIG), then defaults.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { UsageError } from './exit.ts';

export type Product = 'uhost' | 'compshare' | 'zec';
const PRODUCTS: readonly Product[] = ['uhost', 'compshare', 'zec'];

export interface Profile {
  url?: string;
  publicKey?: string;
  privateKey?: string;
  token?: string;
  product?: Product;
  region?: string;
  zone?: string;
}

export interface ConfigFile {
  profiles: Record<string, Profile>;
}

export interface Resolved extends Profile {
  name: string;
  url: string;
  product: Product;
  region: string;
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KILN_CONFIG) return env.KILN_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'kiln', 'config.json');
}

export async function readConfig(path = configPath()): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} };
    throw e;
  }
  const parsed = JSON.parse(text) as Partial<ConfigFile>;
  return { profiles: parsed.profiles ?? {} };
}

export async function writeConfig(config: ConfigFile, path = configPath()): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // The file holds private keys: readable by its owner only.
  await writeFile(path, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
}

export function asProduct(value: string | undefined): Product | undefined {
  if (value === undefined || value === '') return undefined;
  if (!PRODUCTS.includes(value as Product)) throw new UsageError(`product must be one of ${PRODUCTS.join(', ')}, not ${value}`);
  return value as Product;
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}

export interface ProfileFlags {
  profile?: string;
  url?: string;
  product?: string;
}

export async function resolveProfile(flags: ProfileFlags, env: NodeJS.ProcessEnv = process.env): Promise<Resolved> {
  const name = flags.profile ?? env.KILN_PROFILE ?? 'default';
  const config = await readConfig(configPath(env));
  const file = config.profiles[name];
  if (!file && (flags.profile !== undefined || env.KILN_PROFILE !== undefined)) throw new UsageError(`no profile "${name}" in ${configPath(env)}`);
  const fromEnv = defined<Profile>({
    url: env.KILN_URL,
    publicKey: env.KILN_PUBLIC_KEY,
    privateKey: env.KILN_PRIVATE_KEY,
    token: env.KILN_TOKEN,
    product: asProduct(env.KILN_PRODUCT),
    region: env.KILN_REGION,
    zone: env.KILN_ZONE,
  });
  const fromFlags = defined<Profile>({ url: flags.url, product: asProduct(flags.product) });
  const p: Profile = { ...file, ...fromEnv, ...fromFlags };
  if (!p.token && !(p.publicKey && p.privateKey)) {
    throw new UsageError(
      `no credentials: set KILN_PUBLIC_KEY and KILN_PRIVATE_KEY (or KILN_TOKEN), or run \`kiln profile set ${name} --public-key ... --private-key ...\``,
    );
  }
  return { ...p, name, url: p.url ?? 'http://127.0.0.1:8480', product: p.product ?? 'uhost', region: p.region ?? 'cn-bj2' };
}
