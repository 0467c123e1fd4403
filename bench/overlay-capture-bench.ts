import { execFileSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guestWriteMany } from '../test/support/guest-disk.ts';
import { KilnProcess } from '../test/support/kiln-process.ts';
import { createHost, diskPath, stopHost, waitImageSettled } from '../test/support/uhost-flow.ts';
import type { UCloudTestClient } from '../test/support/ucloud-client.ts';
import { showSpread, spreadOf } from './bench-stats.ts';
import { buildDisk } from './capture-bench.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/**
 * Captures of an overlay disk through the UHost API (CreateCustomImage until Available):
 * after a guest wrote 5% of the disk (random data, through qemu-io) the capture reads and
 * hashes only the chunks the overlay holds; against a full capture of a disk of the same
 * layout whose every data chunk is new to the blob store (the image's data regions and the
 * same 5% rewritten with fresh random data), so each of them is read, hashed and stored,
 * as in a capture of a disk made from no image. (Capturing the first disk again with its
 * backing image deleted reads it whole, but finds every chunk stored already and writes
 * nothing: no measure of a full capture.) Against `cp --sparse=always; sync` of the
 * equivalent raw file.
 */
export async function overlayCaptureBench(): Promise<void> {
  const scale = Number(process.env.KILN_BENCH_SCALE ?? '1');
  const dir = await mkdtemp(join(tmpdir(), 'kiln-bench-overlay-capture-'));
  let kiln: KilnProcess | undefined;
  try {
    const disk = join(dir, 'disk.raw');
    await buildDisk(disk, scale);
    kiln = await KilnProcess.start({ KILN_BLOB_FSYNC: 'true', KILN_LOG_LEVEL: 'warn' });
    const client = await kiln.adminClient();
    const sizeGb = Math.ceil((4 * GiB * scale) / GiB);
    const boot = { Disks: [{ IsBoot: 'True', Type: 'CLOUD_SSD', Size: sizeGb }] };
    const base = (JSON.parse(await kiln.cli(['image', 'add-base', disk, '--name', 'bench', '--os-type', 'Linux', '--json'])) as { imageId: string }).imageId;
    const settle = () => execFileSync('sync');
    const rounds: { cpSync: number; changed: number; full: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const host = await createHost(client, base, boot);
      await stopHost(client, host);
      await writeFivePercent(await diskPath(kiln, host), 4 * GiB * scale, i);
      const fresh = await createHost(client, base, boot);
      await stopHost(client, fresh);
      await writeDataRegions(await diskPath(kiln, fresh), scale);
      await writeFivePercent(await diskPath(kiln, fresh), 4 * GiB * scale, i);
      settle();
      const copy = join(dir, `copy-${i}.raw`);
      let t = process.hrtime.bigint();
      execFileSync('cp', ['--sparse=always', disk, copy]);
      settle();
      const cpSync = Number(process.hrtime.bigint() - t) / 1e9;
      await rm(copy);
      settle();
      t = process.hrtime.bigint();
      await capture(client, host, `changed-${i}`);
      const changed = Number(process.hrtime.bigint() - t) / 1e9;
      settle();
      t = process.hrtime.bigint();
      await capture(client, fresh, `full-${i}`);
      const full = Number(process.hrtime.bigint() - t) / 1e9;
      rounds.push({ cpSync, changed, full });
      for (const h of [host, fresh]) await client.call('TerminateUHostInstance', { UHostId: h });
    }
    const cpSync = spreadOf(rounds.map((r) => r.cpSync));
    const changed = spreadOf(rounds.map((r) => r.changed));
    const full = spreadOf(rounds.map((r) => r.full));
    const ratios = spreadOf(rounds.map((r) => r.changed / r.full));
    console.log(`\n## Capture of an overlay disk of ${(4 * scale).toFixed(2)} GiB, 5% written since it was made (median of 3 [min..max])`);
    console.log(`cp --sparse=always; sync of the raw disk       ${showSpread(cpSync)} s`);
    console.log(`kiln capture, 5% changed (keys reused)         ${showSpread(changed)} s`);
    console.log(
      `kiln capture, full (every chunk new: read, hashed, stored) ${showSpread(full)} s  ratio ${(full.median / cpSync.median).toFixed(2)} vs cp; sync`,
    );
    console.log(`5% changed / full, per round                   ${ratios.median.toFixed(3)} [${ratios.min.toFixed(3)}..${ratios.max.toFixed(3)}]`);
  } finally {
    await kiln?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function capture(client: UCloudTestClient, host: string, name: string): Promise<string> {
  const r = await client.call('CreateCustomImage', { UHostId: host, ImageName: name });
  if (r.body.RetCode !== 0) throw new Error(JSON.stringify(r.body));
  const img = await waitImageSettled(client, r.body.ImageId as string);
  if (img.State !== 'Available') throw new Error(JSON.stringify(img));
  return r.body.ImageId as string;
}

/** 5% of the disk in random 8 MiB writes spread over it, as a guest would write them. */
async function writeFivePercent(path: string, size: number, seed: number): Promise<void> {
  const count = Math.max(1, Math.round((size * 0.05) / (8 * MiB)));
  const step = Math.floor(size / count / MiB) * MiB;
  for (let first = 0; first < count; first += 8) {
    const writes = [];
    for (let k = first; k < Math.min(count, first + 8); k++)
      writes.push({ offset: k * step + ((seed * 7 + k) % 5) * MiB, data: randomFillSync(Buffer.allocUnsafe(8 * MiB)) });
    await guestWriteMany(path, writes);
  }
}

/** Fresh random data over every region buildDisk filled (the image's data), so none of its chunks is stored yet. */
async function writeDataRegions(path: string, scale: number): Promise<void> {
  const length = 32 * MiB * scale;
  for (let region = 0; region < 48; region += 4) {
    const writes = [];
    for (let r = region; r < region + 4; r++) {
      const start = Math.floor((r * 4 * GiB * scale) / 48);
      for (let off = 0; off < length; off += 8 * MiB)
        writes.push({ offset: start + off, data: randomFillSync(Buffer.allocUnsafe(Math.min(8 * MiB, length - off))) });
    }
    await guestWriteMany(path, writes);
  }
}
