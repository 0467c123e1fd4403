/**
 * `kiln images ...`: the user CLI. It talks HTTP to a Kiln server through kiln-images-sdk,
 * like `aws` or `openstack image`, and never touches the stores (the operator commands
 * do that). Answers go to stdout (a table, or one JSON value with --json), progress and
 * errors to stderr; exit codes are in exit.ts.
 */
import type { Command } from 'commander';
import { download } from './download.ts';
import { downloadInterrupted, waitInterrupted } from './interrupted.ts';
import { UsageError } from './exit.ts';
import type { ProfileFlags } from './profile.ts';
import { productImages, type ImageRow, type ProductImages } from './products.ts';
import { progress } from './progress.ts';
import { renderTable } from './table.ts';
import { bytes } from './units.ts';
import { isUrl, uploadFile } from './upload.ts';
import { waitWithProgress } from './wait.ts';
import { userCommandRunner, type UserCommandContext, type UserCommandRunner } from '../user-command-runner.ts';

/** `server`: the profile's server URL (uploads are remembered per server). */
export type RunContext = { images: ProductImages; server: string } & UserCommandContext;
type Run = (ctx: RunContext) => Promise<void>;
export type Runner = UserCommandRunner<{ images: ProductImages; server: string }>;

function table(rows: ImageRow[]): string {
  return renderTable(
    ['ID', 'NAME', 'STATE', 'SIZE', 'CREATED'],
    rows.map((r) => [r.id, r.name, r.state, bytes(r.size), r.created]),
  );
}

function details(r: ImageRow): string {
  const lines = [`id:       ${r.id}`, `name:     ${r.name}`, `state:    ${r.state}`, `size:     ${bytes(r.size)}`];
  if (r.created) lines.push(`created:  ${r.created}`);
  if (r.failedReason) lines.push(`reason:   ${r.failedReason}`);
  return lines.join('\n') + '\n';
}

/** Prints the new image's id at once (scripts get it even if the wait is interrupted), then waits if asked. */
async function created(ctx: RunContext, id: string, wait: boolean | undefined): Promise<void> {
  if (!wait) return ctx.out(ctx.json ? JSON.stringify({ imageId: id }) + '\n' : `${id}\n`);
  if (!ctx.json) ctx.out(`${id}\n`);
  ctx.onInterrupt(waitInterrupted(id));
  await waitWithProgress(ctx.images, id, ctx.signal);
  if (ctx.json) ctx.out(JSON.stringify({ imageId: id, state: 'Available' }) + '\n');
}

export function registerImageCommands(program: Command, runner: Runner): void {
  const images = program
    .command('images')
    .description('custom images on a Kiln server, over HTTP (user CLI; see `kiln profile`)')
    .option('--profile <name>', 'profile of the config file (default: KILN_PROFILE or "default")')
    .option('--url <url>', 'server URL (default: KILN_URL, the profile, or http://127.0.0.1:8480)')
    .option('--product <product>', 'uhost, compshare or zec (default: KILN_PRODUCT, the profile, or uhost)')
    .option('--json', 'print JSON instead of text');
  // Usage errors exit 2 (commander's default is 1, which here means "the image failed").
  images.exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
  const go =
    (run: Run) =>
    (...args: unknown[]) => {
      const cmd = args[args.length - 1] as Command;
      return runner(cmd.optsWithGlobals<ProfileFlags & { json?: boolean }>(), run);
    };

  images
    .command('list')
    .description('the images you can use')
    .option('--limit <n>', 'at most this many', '100')
    .action((o: { limit: string }, ...rest: unknown[]) =>
      go(async (ctx) => {
        const limit = Number(o.limit);
        if (!Number.isSafeInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive integer');
        const rows = await ctx.images.list(limit);
        ctx.out(ctx.json ? JSON.stringify(rows.map((r) => r.record)) + '\n' : table(rows));
      })(...rest),
    );

  images
    .command('show <id>')
    .description("one image's details")
    .action((id: string, ...rest: unknown[]) =>
      go(async (ctx) => {
        const row = await ctx.images.show(id);
        ctx.out(ctx.json ? JSON.stringify(row.record) + '\n' : details(row));
      })(...rest),
    );

  images
    .command('import <source>')
    .description('import a disk image (raw, vhd, vmdk, qcow2): a local file is uploaded, a URL is fetched by the server')
    .option('--format <format>', 'raw, vhd, vmdk or qcow2 (checked against the content; needed for a URL, read from the content of a file)')
    .requiredOption('--name <name>', 'image name')
    .option('--os-type <type>', 'Linux or Windows family name shown to users', 'Linux')
    .option('--os-name <name>', 'operating system name', 'Linux')
    .option('--wait', 'wait until the image is available, with progress')
    .option('--resume', 'a file only: go on with the upload a stopped command left (same file, --name, product and profile)')
    .action((source: string, o: { format?: string; name: string; osType: string; osName: string; wait?: boolean; resume?: boolean }, ...rest: unknown[]) =>
      go(async (ctx) => {
        if (isUrl(source)) {
          if (o.resume) throw new UsageError('--resume is for uploads of a local file; an import from a URL runs in the server');
          if (o.format === undefined) throw new UsageError('an import from a URL needs --format (raw, vhd, vmdk or qcow2)');
          return created(ctx, await ctx.images.importUrl({ url: source, format: o.format, name: o.name, osType: o.osType, osName: o.osName }), o.wait);
        }
        const { imageId, uploadId } = await uploadFile(ctx.images, {
          file: source,
          name: o.name,
          format: o.format,
          osType: o.osType,
          osName: o.osName,
          resume: o.resume === true,
          server: ctx.server,
          signal: ctx.signal,
          // The id at once, as for the other imports: scripts get it even if the upload is stopped.
          onImage: (id) => {
            if (!ctx.json) ctx.out(`${id}\n`);
          },
          onInterrupt: ctx.onInterrupt,
        });
        if (!o.wait) return ctx.json ? ctx.out(JSON.stringify({ imageId, uploadId }) + '\n') : undefined;
        ctx.onInterrupt(waitInterrupted(imageId));
        await waitWithProgress(ctx.images, imageId, ctx.signal);
        if (ctx.json) ctx.out(JSON.stringify({ imageId, uploadId, state: 'Available' }) + '\n');
      })(...rest),
    );

  images
    .command('capture <instance>')
    .description('capture a stopped instance into an image')
    .requiredOption('--name <name>', 'image name')
    .option('--wait', 'wait until the image is available, with progress')
    .action((instance: string, o: { name: string; wait?: boolean }, ...rest: unknown[]) =>
      go(async (ctx) => created(ctx, await ctx.images.capture(instance, o.name), o.wait))(...rest),
    );

  images
    .command('copy <id>')
    .description('copy an image into a new private image (CompShare; UHost CopyCustomImage and ZEC CopyImage go to other regions: use the SDK)')
    .option('--name <name>', 'name of the copy')
    .option('--wait', 'wait until the copy is available')
    .action((id: string, o: { name?: string; wait?: boolean }, ...rest: unknown[]) =>
      go(async (ctx) => created(ctx, await ctx.images.copy(id, o.name), o.wait))(...rest),
    );

  images
    .command('delete <id>')
    .description('delete one of your images')
    .action((id: string, ...rest: unknown[]) =>
      go(async (ctx) => {
        await ctx.images.remove(id);
        ctx.out(ctx.json ? JSON.stringify({ imageId: id, deleted: true }) + '\n' : `deleted ${id}\n`);
      })(...rest),
    );

  images
    .command('wait <id>')
    .description('wait until an image is available (exit 1 with its reason if it fails)')
    .action((id: string, ...rest: unknown[]) =>
      go(async (ctx) => {
        ctx.onInterrupt(waitInterrupted(id));
        await waitWithProgress(ctx.images, id, ctx.signal);
        ctx.out(ctx.json ? JSON.stringify({ imageId: id, state: 'Available' }) + '\n' : `${id} Available\n`);
      })(...rest),
    );

  images
    .command('download <id>')
    .description('download an image as raw (sparse; --resume continues) or qcow2')
    .requiredOption('-o, --output <file>', 'file to write')
    .option('--format <format>', 'raw or qcow2', 'raw')
    .option('--resume', 'raw only: continue from the length the file already has')
    .option('--force', 'overwrite the file if it exists (without it an existing file is refused)')
    .action((id: string, o: { output: string; format: string; resume?: boolean; force?: boolean }, ...rest: unknown[]) =>
      go(async (ctx) => {
        if (o.format !== 'raw' && o.format !== 'qcow2') throw new UsageError('--format must be raw or qcow2');
        if (o.resume && o.format !== 'raw') throw new UsageError('--resume works for raw downloads only');
        if (o.resume && o.force) throw new UsageError('--resume goes on with the file and --force overwrites it: give one of them');
        ctx.onInterrupt(downloadInterrupted(id, o.output, o.format));
        const r = await download(
          ctx.images,
          { id, file: o.output, format: o.format, resume: o.resume === true, force: o.force === true, signal: ctx.signal },
          progress(`download ${id}`),
        );
        ctx.out(
          ctx.json
            ? JSON.stringify({ imageId: id, file: o.output, format: o.format, size: r.size, received: r.bytes }) + '\n'
            : `wrote ${o.output} (${o.format}, ${bytes(r.size)})\n`,
        );
      })(...rest),
    );
}

/** The real runner: profile, clients, Ctrl-C, and exit codes. */
export function defaultRunner(exit: (code: number, message?: string) => never): Runner {
  return userCommandRunner((profile) => ({ images: productImages(profile), server: profile.url }), exit);
}
