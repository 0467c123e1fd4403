/**
 * `kiln instances ...`: create, list, stop, start and delete instances of any of the three
 * products over HTTP through kiln-images-sdk, so a capture (`kiln images capture`) needs no
 * script. Same profile, output and exit codes as `kiln images`.
 *
 * `disk` lists an instance's disks (ids, role, type, size); with --size it grows one
 * (ResizeUHostInstance: UHost only, the other two APIs have no such action). Disks only
 * grow, and only on a stopped instance: the server refuses anything else, and says why.
 */
import type { Command } from 'commander';
import { UsageError } from '../images/exit.ts';
import type { ProfileFlags } from '../images/profile.ts';
import type { DiskRow, InstanceState } from './product-instances.ts';
import type { InstanceContext, InstanceRun, InstanceRunner } from './runner.ts';
import { diskTable, instanceDetails, instanceTable } from './views.ts';
import { waitForDiskSize, waitForState } from './wait.ts';

function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer, not ${value}`);
  return n;
}

function count(name: string, value: string | undefined): number | undefined {
  return value === '0' ? 0 : positive(name, value);
}

function waitInterrupted(id: string, state: InstanceState): string {
  return `stopped waiting; instance ${id} goes on to ${state} in the server (\`kiln instances show ${id}\` to see it)`;
}

/** Waits for `state` if asked, then says where the instance is. */
async function settled(ctx: InstanceContext, id: string, wait: boolean | undefined, state: InstanceState, requested: string): Promise<void> {
  if (!wait) return ctx.out(ctx.json ? JSON.stringify({ instanceId: id, requested }) + '\n' : `${requested} ${id}\n`);
  ctx.onInterrupt(waitInterrupted(id, state));
  await waitForState(ctx.instances, id, state, ctx.signal);
  ctx.out(ctx.json ? JSON.stringify({ instanceId: id, state }) + '\n' : `${id} ${state}\n`);
}

interface CreateOptions {
  image: string;
  name?: string;
  zone?: string;
  cpu?: string;
  memory?: string;
  diskSize?: string;
  dataDisk?: string;
  password?: string;
  gpu?: string;
  gpuType?: string;
  type?: string;
  subnet?: string;
  wait?: boolean;
}

interface DiskOptions {
  size?: string;
  disk?: string;
  wait?: boolean;
}

function pickDisk(disks: DiskRow[], id: string, diskId: string | undefined): DiskRow {
  const disk = diskId === undefined ? disks.find((d) => d.boot) : disks.find((d) => d.id === diskId);
  if (!disk)
    throw new UsageError(
      diskId === undefined ? `instance ${id} lists no system disk yet` : `instance ${id} has no disk ${diskId} (\`kiln instances disk ${id}\` lists them)`,
    );
  return disk;
}

export function registerInstanceCommands(program: Command, runner: InstanceRunner): void {
  const instances = program
    .command('instances')
    .description('instances on a Kiln server, over HTTP (user CLI; see `kiln profile`)')
    .option('--profile <name>', 'profile of the config file (default: KILN_PROFILE or "default")')
    .option('--url <url>', 'server URL (default: KILN_URL, the profile, or http://127.0.0.1:8480)')
    .option('--product <product>', 'uhost, compshare or zec (default: KILN_PRODUCT, the profile, or uhost)')
    .option('--json', 'print JSON instead of text');
  // Usage errors exit 2 (commander's default is 1, which here means "the instance failed").
  instances.exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
  const go =
    (run: InstanceRun) =>
    (...args: unknown[]) => {
      const cmd = args[args.length - 1] as Command;
      return runner(cmd.optsWithGlobals<ProfileFlags & { json?: boolean }>(), run);
    };

  instances
    .command('list')
    .description('your instances')
    .option('--limit <n>', 'at most this many', '100')
    .action((o: { limit: string }, ...rest: unknown[]) =>
      go(async (ctx) => {
        const rows = await ctx.instances.list(positive('--limit', o.limit)!);
        ctx.out(ctx.json ? JSON.stringify(rows.map((r) => r.record)) + '\n' : instanceTable(rows));
      })(...rest),
    );

  instances
    .command('show <id>')
    .description("one instance's details, its disks among them")
    .action((id: string, ...rest: unknown[]) =>
      go(async (ctx) => {
        const row = await ctx.instances.show(id);
        ctx.out(ctx.json ? JSON.stringify(row.record) + '\n' : instanceDetails(row));
      })(...rest),
    );

  instances
    .command('create')
    .description('create an instance from an image (`kiln images list` lists them)')
    .requiredOption('--image <id>', 'the image to start from')
    .option('--name <name>', 'instance name')
    .option('--zone <zone>', "zone (default: KILN_ZONE or the profile's; ZEC: the server's first zone)")
    .option('--cpu <n>', 'UHost, CompShare: CPU cores')
    .option('--memory <mb>', 'UHost, CompShare: memory in MB')
    .option('--disk-size <gb>', 'system disk in GB (default: as large as the image needs)')
    .option('--data-disk <gb>', 'add one data disk of this many GB')
    .option('--password <password>', "login password (UHost, CompShare default: the image's own)")
    .option('--gpu <n>', 'UHost, CompShare: GPUs (CompShare default 1)')
    .option('--gpu-type <type>', 'UHost, CompShare: GPU type, e.g. 4090')
    .option('--type <type>', "ZEC: instance type (default: the zone's first in stock)")
    .option('--subnet <id>', 'ZEC: the subnet (required by CreateZecInstances)')
    .option('--wait', 'wait until it is Running')
    .action((o: CreateOptions, ...rest: unknown[]) =>
      go(async (ctx) => {
        const id = await ctx.instances.create({
          image: o.image,
          name: o.name,
          zone: o.zone,
          cpu: positive('--cpu', o.cpu),
          memoryMb: positive('--memory', o.memory),
          bootGb: positive('--disk-size', o.diskSize),
          dataGb: positive('--data-disk', o.dataDisk),
          password: o.password,
          gpu: count('--gpu', o.gpu),
          gpuType: o.gpuType,
          type: o.type,
          subnet: o.subnet,
        });
        // The id at once, so a script has it even if the wait is interrupted.
        if (!o.wait) return ctx.out(ctx.json ? JSON.stringify({ instanceId: id }) + '\n' : `${id}\n`);
        if (!ctx.json) ctx.out(`${id}\n`);
        ctx.onInterrupt(waitInterrupted(id, 'Running'));
        await waitForState(ctx.instances, id, 'Running', ctx.signal);
        if (ctx.json) ctx.out(JSON.stringify({ instanceId: id, state: 'Running' }) + '\n');
      })(...rest),
    );

  instances
    .command('stop <id>')
    .description('stop a running instance (a capture needs it stopped)')
    .option('--wait', 'wait until it is Stopped')
    .action((id: string, o: { wait?: boolean }, ...rest: unknown[]) =>
      go(async (ctx) => {
        await ctx.instances.stop(id);
        await settled(ctx, id, o.wait, 'Stopped', 'stopping');
      })(...rest),
    );

  instances
    .command('start <id>')
    .description('start a stopped instance')
    .option('--wait', 'wait until it is Running')
    .action((id: string, o: { wait?: boolean }, ...rest: unknown[]) =>
      go(async (ctx) => {
        await ctx.instances.start(id);
        await settled(ctx, id, o.wait, 'Running', 'starting');
      })(...rest),
    );

  instances
    .command('delete <id>')
    .description('delete an instance and its disks (images captured from it stay)')
    .action((id: string, ...rest: unknown[]) =>
      go(async (ctx) => {
        await ctx.instances.remove(id);
        ctx.out(ctx.json ? JSON.stringify({ instanceId: id, deleted: true }) + '\n' : `deleted ${id}\n`);
      })(...rest),
    );

  instances
    .command('disk <id>')
    .description("an instance's disks; with --size, grow one of a stopped UHost (ResizeUHostInstance)")
    .option('--size <gb>', 'grow the disk to this many GB (disks never shrink)')
    .option('--disk <diskId>', 'the disk --size grows (default: the system disk)')
    .option('--wait', 'wait until the disk has its new size')
    .action((id: string, o: DiskOptions, ...rest: unknown[]) =>
      go(async (ctx) => {
        const row = await ctx.instances.show(id);
        const size = positive('--size', o.size);
        if (size === undefined) {
          if (o.disk !== undefined || o.wait) throw new UsageError('--disk and --wait go with --size');
          return ctx.out(ctx.json ? JSON.stringify(row.disks.map((d) => d.record)) + '\n' : diskTable(row.disks));
        }
        const disk = pickDisk(row.disks, id, o.disk);
        await ctx.instances.growDisk(id, disk, size);
        if (o.wait) {
          ctx.onInterrupt(`stopped waiting; disk ${disk.id} of instance ${id} goes on growing in the server (\`kiln instances disk ${id}\` to see it)`);
          await waitForDiskSize(ctx.instances, id, disk, size, ctx.signal);
        }
        ctx.out(
          ctx.json
            ? JSON.stringify({ instanceId: id, diskId: disk.id, sizeGb: size }) + '\n'
            : `disk ${disk.id} of ${id} ${o.wait ? 'is' : 'grows to'} ${size} GB\n`,
        );
      })(...rest),
    );
}
