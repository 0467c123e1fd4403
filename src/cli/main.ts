import { Command } from 'commander';
import { loadConfig, ConfigError, type KilnConfig } from '../config/config.ts';
import { KilnError } from '../core/errors.ts';
import { Products, type Product } from '../core/products.ts';
import type { Kiln } from '../app/kiln.ts';
import { defaultRunner, registerImageCommands } from './images/commands.ts';
import { registerProfileCommands } from './images/profile-commands.ts';
import { registerInstanceCommands } from './instances/commands.ts';
import { instanceRunner } from './instances/runner.ts';
import { registerSetupCommands } from './setup-commands.ts';
import { SetupError } from '../config/setup-error.ts';
import { packageVersion } from './package-version.ts';

/**
 * `kiln` entry point. Two kinds of command live here, kept apart:
 *  - operator commands (serve, worker, gc, account, token, image add-base, instance
 *    disk; check, bucket create, migrate, bootstrap in setup-commands.ts) act on the
 *    configured stores directly, on a server's own machine;
 *  - user commands (`kiln images ...`, `kiln instances ...`, `kiln profile ...`) talk HTTP to a server through
 *    kiln-images-sdk, with the user's keys, from anywhere.
 */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('kiln').description('Kiln: custom images for VM and GPU clouds').version(packageVersion()).showHelpAfterError();
  const exit = (code: number, message?: string): never => {
    if (message) process.stderr.write(`kiln: ${message}\n`);
    process.exit(code);
  };
  registerImageCommands(program, defaultRunner(exit));
  registerInstanceCommands(program, instanceRunner(exit));
  registerProfileCommands(program);

  program
    .command('serve')
    .description('run the API and in-process job workers')
    .action(async () => (await import('./serve.ts')).serve(config()));

  program
    .command('worker')
    .description('run job workers only (scale-out)')
    .action(async () => (await import('./serve.ts')).work(config()));

  const account = program.command('account').description('accounts and keys');
  account
    .command('create <name>')
    .option('--json', 'print one JSON object')
    .action((name: string, opts: { json?: boolean }) =>
      withKiln(async (kiln) => {
        const created = await kiln.services.accounts.create(name);
        print(
          opts.json,
          created,
          `account ${created.accountId} (project ${created.projectId})\npublicKey:  ${created.publicKey}\nprivateKey: ${created.privateKey}`,
        );
      }),
    );

  account
    .command('project <account>')
    .description('add a project to an account (UCloud ProjectId, e.g. a CopyCustomImage TargetProjectId)')
    .option('--name <name>', 'the project name', 'Project')
    .option('--json', 'print one JSON object')
    .action((name: string, opts: { name: string; json?: boolean }) =>
      withKiln(async (kiln) => {
        const created = await kiln.services.accounts.addProject(name, opts.name);
        print(opts.json, created, `project ${created.projectId} of account ${created.accountId}`);
      }),
    );

  // Operator commands on the store: a revoked key or token stops working in every process
  // within KILN_AUTH_CACHE_MS (tokens at once: they are not cached).
  const keys = account.command('keys').description('key pairs (UCloud PublicKey/PrivateKey, Zenlayer AccessKeyId/AccessKeyPassword)');
  keys
    .command('create <account>')
    .description('add a key pair to an account (rotate: create, move clients, revoke the old one)')
    .option('--json', 'print one JSON object')
    .action((name: string, opts: { json?: boolean }) =>
      withKiln(async (kiln) => {
        const created = await kiln.services.accounts.addKey(name);
        print(opts.json, created, `key pair for account ${created.accountId}\npublicKey:  ${created.publicKey}\nprivateKey: ${created.privateKey}`);
      }),
    );
  keys
    .command('revoke <publicKey>')
    .description('delete a key pair; every server refuses it within KILN_AUTH_CACHE_MS')
    .option('--json', 'print one JSON object')
    .action((publicKey: string, opts: { json?: boolean }) =>
      withKiln(async (kiln) => {
        await kiln.services.accounts.revokeKey(publicKey);
        print(opts.json, { revoked: publicKey }, `key ${publicKey} revoked; servers refuse it within ${kiln.config.auth.cacheMs} ms`);
      }),
    );

  const token = program.command('token').description('API tokens (Zenlayer `Authorization: Bearer`)');
  token
    .command('create')
    .description('create an API token; it is printed once and only its hash is kept')
    .option('--account <name>', 'account the token acts for (default: the admin account)')
    .option('--json', 'print one JSON object')
    .action((opts: { account?: string; json?: boolean }) =>
      withKiln(async (kiln) => {
        const created = await kiln.services.tokens.create(opts.account);
        print(opts.json, created, `token for account ${created.accountId} (shown only once):\n${created.token}`);
      }),
    );

  token
    .command('revoke <token>')
    .description('delete an API token; it stops working at once')
    .option('--json', 'print one JSON object')
    .action((value: string, opts: { json?: boolean }) =>
      withKiln(async (kiln) => {
        await kiln.services.tokens.revoke(value);
        print(opts.json, { revoked: true }, 'token revoked');
      }),
    );

  const image = program.command('image').description('base images');
  image
    .command('add-base <file>')
    .requiredOption('--name <name>', 'image name')
    .requiredOption('--os-type <type>', 'Linux or Windows')
    .option('--os-name <name>', 'operating system name shown to users')
    .option('--product <product>', `offer to one product only (${Products.join('|')})`)
    .option('--json', 'print one JSON object')
    .action((file: string, opts: { name: string; osType: string; osName?: string; product?: string; json?: boolean }) =>
      withKiln(async (kiln) => {
        if (opts.osType !== 'Linux' && opts.osType !== 'Windows') throw new KilnError('InvalidParameter', '--os-type must be Linux or Windows');
        if (opts.product !== undefined && !Products.includes(opts.product as Product)) {
          throw new KilnError('InvalidParameter', `--product must be one of ${Products.join(', ')}`);
        }
        const { addBaseImageFile } = await import('../app/base-image-file.ts');
        const img = await addBaseImageFile(
          { store: kiln.store, blobs: kiln.blobs, config: kiln.config, ids: kiln.ids },
          { file, name: opts.name, osType: opts.osType, osName: opts.osName, product: opts.product as Product | undefined },
        );
        print(opts.json, { imageId: img.id }, `base image ${img.id}`);
      }),
    );

  const instance = program.command('instance').description('instances on the local compute driver');
  instance
    .command('disk <id>')
    .description("print the path of an instance's disk file and its format (qcow2: an overlay on the node's image cache; raw)")
    .option('--index <n>', 'disk index (0 is the system disk)', '0')
    .option('--json', 'print one JSON object')
    .action((id: string, opts: { index: string; json?: boolean }) =>
      withKiln(async (kiln) => {
        const disk = (await kiln.store.instances.disks(id)).find((d) => d.index === Number(opts.index));
        if (!disk) throw new KilnError('DiskNotFound', `instance ${id} has no disk ${opts.index}`);
        if (disk.path === '') throw new KilnError('InstanceBusy', `instance ${id} is still being deployed; its disk ${opts.index} does not exist yet`);
        const { diskFormatOf } = await import('../compute/local-driver.ts');
        const format = diskFormatOf(disk.path);
        print(opts.json, { path: disk.path, format }, `${disk.path}\t${format}`);
      }),
    );

  program
    .command('image-cache')
    .description("this node's image cache: entries, the disks using each, bytes and budget")
    .option('--evict', 'evict least recently used unused entries down to the budget now')
    .option('--json', 'print one JSON object')
    .action((opts: { evict?: boolean; json?: boolean }) =>
      withKiln(async (kiln) => {
        const evicted = opts.evict ? await kiln.imageCache.evict() : [];
        const stats = await kiln.imageCache.stats();
        const lines = [
          `${stats.dir}: ${stats.bytes} bytes of ${stats.budgetBytes}`,
          ...stats.entries.map((e) => `${e.imageId}\t${e.allocatedBytes} bytes\t${e.disks} disk(s)\tused ${new Date(e.lastUsed).toISOString()}`),
          ...evicted.map((id) => `evicted ${id}`),
        ];
        print(opts.json, { ...stats, evicted }, lines.join('\n'));
      }),
    );

  program
    .command('gc')
    .description('delete chunks no image references')
    .option('--json', 'print one JSON object')
    .action((opts: { json?: boolean }) =>
      withKiln(async (kiln) => {
        const r = await kiln.gc();
        print(opts.json, r, r.ran ? `scanned ${r.scanned} chunks, deleted ${r.deleted}, kept ${r.kept}` : 'another garbage collector is running; nothing done');
      }),
    );

  registerSetupCommands(program, { config, withKiln, print, fail });

  try {
    await program.parseAsync(argv);
  } catch (e) {
    fail(e);
  }
}

function config(): KilnConfig {
  try {
    return loadConfig();
  } catch (e) {
    fail(e);
  }
}

async function withKiln(fn: (kiln: Kiln) => Promise<void>): Promise<void> {
  const cfg = config();
  // Loaded here, not at the top: the user commands (`kiln images`) never open the stores
  // and start faster without the server's modules.
  const [{ createKiln }, { pino }] = await Promise.all([import('../app/kiln.ts'), import('pino')]);
  const kiln = await createKiln(cfg, pino({ level: 'warn' }, pino.destination(2)));
  try {
    await fn(kiln);
  } catch (e) {
    await kiln.close();
    fail(e);
  }
  await kiln.close();
}

function print(json: boolean | undefined, value: object, text: string): void {
  process.stdout.write((json ? JSON.stringify(value) : text) + '\n');
}

function fail(e: unknown): never {
  if (e instanceof ConfigError || e instanceof KilnError || e instanceof SetupError) {
    process.stderr.write(`kiln: ${e.message}\n`);
  } else {
    process.stderr.write(`kiln: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  }
  process.exit(1);
}
