import type { Command } from 'commander';
import { asProduct, configPath, readConfig, writeConfig, type Profile } from './profile.ts';

const mask = (s: string | undefined) => (s ? `${s.slice(0, 4)}…(${s.length})` : '');

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
    .action(async (name: string, o: Profile & { product?: string }) => {
      const config = await readConfig();
      const product = asProduct(o.product);
      const changes = Object.fromEntries(Object.entries({ ...o, product }).filter(([, v]) => v !== undefined));
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
