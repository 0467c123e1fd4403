import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KilnProcess } from '../test/support/kiln-process.ts';
import { createHost } from '../test/support/uhost-flow.ts';
import { buildDisk } from './capture-bench.ts';

const GiB = 1024 ** 3;

/**
 * Instance creation from an image, measured for the first time: CreateUHostInstance
 * from an image of the capture benchmark's disk until the host is Running (its disk
 * created, every chunk written and flushed), against `cp --sparse=always` of the
 * equivalent raw file (and cp followed by sync, since a deployed disk is flushed).
 */
export async function materializeBench(): Promise<void> {
  const scale = Number(process.env.KILN_BENCH_SCALE ?? '1');
  const dir = await mkdtemp(join(tmpdir(), 'kiln-bench-materialize-'));
  let kiln: KilnProcess | undefined;
  try {
    const disk = join(dir, 'disk.raw');
    await buildDisk(disk, scale);
    kiln = await KilnProcess.start({ KILN_BLOB_FSYNC: 'true', KILN_LOG_LEVEL: 'warn' });
    const imageId = (JSON.parse(await kiln.cli(['image', 'add-base', disk, '--name', 'bench', '--os-type', 'Linux', '--json'])) as { imageId: string }).imageId;
    const client = await kiln.adminClient();
    const sizeGb = Math.ceil((4 * GiB * scale) / GiB);
    const settle = () => execFileSync('sync');
    const rounds: { cp: number; cpSync: number; kiln: number }[] = [];
    for (let i = 0; i < 3; i++) {
      settle();
      const copy = join(dir, `copy-${i}.raw`);
      let t = process.hrtime.bigint();
      execFileSync('cp', ['--sparse=always', disk, copy]);
      const cp = Number(process.hrtime.bigint() - t) / 1e9;
      settle();
      const cpSync = Number(process.hrtime.bigint() - t) / 1e9;
      await rm(copy);
      settle();
      t = process.hrtime.bigint();
      const host = await createHost(client, imageId, { Disks: [{ IsBoot: 'True', Type: 'CLOUD_SSD', Size: sizeGb }] });
      rounds.push({ cp, cpSync, kiln: Number(process.hrtime.bigint() - t) / 1e9 });
      await client.call('TerminateUHostInstance', { UHostId: host });
    }
    const stat = (pick: (r: (typeof rounds)[number]) => number) => {
      const v = rounds.map(pick).sort((a, b) => a - b);
      return { med: v[1]!, text: `${v[1]!.toFixed(2)} s [${v[0]!.toFixed(2)}..${v[2]!.toFixed(2)}]` };
    };
    const cp = stat((r) => r.cp);
    const cpSync = stat((r) => r.cpSync);
    const k = stat((r) => r.kiln);
    console.log(`\n## Instance from an image of a ${(4 * scale).toFixed(2)} GiB disk (median of 3 [min..max])`);
    console.log(`cp --sparse=always                  ${cp.text}`);
    console.log(`cp --sparse=always; sync            ${cpSync.text}`);
    console.log(`kiln CreateUHostInstance -> Running ${k.text}  ratio ${(k.med / cp.med).toFixed(2)} vs cp, ${(k.med / cpSync.med).toFixed(2)} vs cp; sync`);
  } finally {
    await kiln?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
