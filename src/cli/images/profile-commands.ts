import type { Command } from 'commander';
import { Exit, UsageError } from './exit.ts';
import { asProduct, configPath, readConfig, writeConfig, type Profile } from './profile.ts';

const mask = (s: string | undefined) => (s ? `${s.slice(0, 4)}…(${s.length})` : '');

const FLAGS: Record<keyof Profile, string> = {
  url: '--url',
  publicKey: '--public-key',
  privateKey: '--private-key',
  token: '--token',
  product: '--product',
  region: '--region',
  zone: '--zone',
};

/**
 * The options given, refused when one is blank: `--private-key "$KEY"` with KEY unset
 * would otherwise save a profile every later call fails to sign with, far from the cause.
 */
export function profileChanges(o: Partial<Record<keyof Profile, string>>): Partial<Profile> {
  for (const [key, flag] of Object.entries(FLAGS) as Array<[keyof Profile, string]>) {
    const value = o[key];
    if (value !== undefined && value.trim() === '') throw new UsageError(`${flag} must not be empty (leave the option out to keep the profile's value)`);
  }
  const product = asProduct(o.product);
  return Object.fromEntries(Object.entries({ ...o, product }).filter(([key, v]) => v !== undefined && key in FLAGS)) as Partial<Profile>;
}

/** `kiln profile set|show|list`: the user CLI's config file, written 0600. */
export function registerProfileCommands(program: Command): void {
  const profile = program.command('profile').description(`profiles for \`kiln images\` (${configPath()})`);
  profile.exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
  profile
    .command('set <name>')
    .description('create or change a profile; only the options given change')
    .option('--url <url>', 'server URL, e.g. http://127.0.0.1:8480')
    .option('--public-key <key>')
    .option('--private-key <key>')
    .option('--token <token>', 'a Bearer token (ZEC calls)')
    .option('--product <product>', 'uhost, compshare or zec')
    .option('--region <region>')
    .option('--zone <zone>')
    .action(async (name: string, o: Partial<Record<keyof Profile, string>>) => {
      let changes: Partial<Profile>;
      try {
        if (name.trim() === '') throw new UsageError('the profile name must not be empty');
        changes = profileChanges(o);
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        process.stderr.write(`kiln: ${e.message}; profile ${name} is unchanged\n`);
        process.exit(Exit.Usage);
      }
      const config = await readConfig();
      config.profiles[name] = { ...config.profiles[name], ...changes };
      await writeConfig(config);
      process.stdout.write(`profile ${name} saved to ${configPath()}\n`);
    });
  profile
    .command('list')
    .description('profile names and servers')
    .action(async () => {
      const { profiles } = await readConfig();
      for (const [name, p] of Object.entries(profiles)) process.stdout.write(`${name}\t${p.url ?? ''}\t${p.product ?? 'uhost'}\n`);
    });
  profile
    .command('show [name]')
    .description('one profile, keys masked')
    .action(async (name = 'default') => {
      const p = (await readConfig()).profiles[name];
      if (!p) {
        process.stderr.write(`kiln: no profile "${name}"\n`);
        process.exit(2);
      }
      process.stdout.write(JSON.stringify({ ...p, privateKey: mask(p.privateKey), token: mask(p.token) }, null, 2) + '\n');
    });
}
