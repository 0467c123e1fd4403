import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KilnProcess } from '../test/support/kiln-process.ts';
import type { UCloudTestClient } from '../test/support/ucloud-client.ts';
import { buildDisk } from './capture-bench.ts';

const GiB = 1024 ** 3;

/** What a benchmark of instances and their disks works with (the set-up `withInstanceBench` makes). */
export interface InstanceBench {
  /** KILN_BENCH_SCALE: 1 is a 4 GiB disk holding ~1.5 GiB of data. */
  scale: number;
  /** A scratch directory, removed at the end. */
  dir: string;
  /** The raw disk file (buildDisk) images are added from and the peer tool copies. */
  disk: string;
  /** Its virtual size in bytes. */
  diskBytes: number;
  kiln: KilnProcess;
  client: UCloudTestClient;
  /** CreateUHostInstance's boot disk parameters, sized for `disk`. */
  boot: Record<string, unknown>;
  /** Adds `disk` as a base image named `name`; returns its id. */
  addBase(name: string): Promise<string>;
  /** `sync`: nothing of one measure is left dirty to be flushed in the next. */
  settle(): void;
}

/**
 * One Kiln server on the embedded stack with chunk fsync on (its default: what a commit
 * says is durable, as `cp; sync` is) and the bench disk built, for `run`; everything is
 * stopped and removed after. `env` is added to the server's.
 */
export async function withInstanceBench(name: string, run: (bench: InstanceBench) => Promise<void>, env: Record<string, string> = {}): Promise<void> {
  const scale = Number(process.env.KILN_BENCH_SCALE ?? '1');
  const dir = await mkdtemp(join(tmpdir(), `kiln-bench-${name}-`));
  let kiln: KilnProcess | undefined;
  try {
    const disk = join(dir, 'disk.raw');
    await buildDisk(disk, scale);
    kiln = await KilnProcess.start({ KILN_BLOB_FSYNC: 'true', KILN_LOG_LEVEL: 'warn', ...env });
    const started = kiln;
    const client = await started.adminClient();
    const diskBytes = Math.round(4 * GiB * scale);
    const boot = { Disks: [{ IsBoot: 'True', Type: 'CLOUD_SSD', Size: Math.ceil(diskBytes / GiB) }] };
    const addBase = async (imageName: string) =>
      (JSON.parse(await started.cli(['image', 'add-base', disk, '--name', imageName, '--os-type', 'Linux', '--json'])) as { imageId: string }).imageId;
    await run({ scale, dir, disk, diskBytes, kiln: started, client, boot, addBase, settle: () => execFileSync('sync') });
  } finally {
    await kiln?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
