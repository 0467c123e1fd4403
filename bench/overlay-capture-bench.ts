import { execFileSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { UHostClient } from 'kiln-images-sdk';
import { CLI_IMAGE_WAIT } from '../src/cli/images/wait.ts';
import { guestWriteMany } from '../test/support/guest-disk.ts';
import type { KilnProcess } from '../test/support/kiln-process.ts';
import { createHost, diskPath, stopHost } from '../test/support/uhost-flow.ts';
import { secondsSince, showSpread, spreadOf, type Spread } from './bench-stats.ts';
import { withInstanceBench } from './instance-bench-setup.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** The chunk size Kiln cuts disks into (KILN_CHUNK_SIZE's default). */
const CHUNK = 4 * MiB;

/**
 * Captures of an overlay disk through the UHost API (CreateCustomImage until Available):
 * after a guest wrote 5% of the disk (of its virtual size, then of its data; random data through qemu-io) the capture reads and
 * hashes only the chunks the overlay holds; against a full capture of a disk of the same
 * layout whose every data chunk is new to the blob store (the image's data regions and the
 * same 5% rewritten with fresh random data), so each of them is read, hashed and stored,
 * as in a capture of a disk made from no image. (Capturing the first disk again with its
 * backing image deleted reads it whole, but finds every chunk stored already and writes
 * nothing: no measure of a full capture.) Against `cp --sparse=always; sync` of the
 * equivalent raw file.
 *
 * Each capture is timed twice: by the client (CreateCustomImage through the SDK's UHost
 * client, then its waitForImage polling as `kiln images capture --wait` does, until
 * Available) and on the server (the job queued until it committed, from the job's row),
 * so the client's polling shows apart from the capture's own work; and the server's
 * steps (the job's "job succeeded" log line) are printed per round. `--rounds N` (default
 * 3) per variant; `--data-only` measures the 5% of the data alone.
 */
export async function overlayCaptureBench(): Promise<void> {
  const roundsAt = process.argv.indexOf('--rounds');
  const roundCount = roundsAt >= 0 ? Number(process.argv[roundsAt + 1]) : 3;
  const env = { KILN_LOG_LEVEL: 'info' };
  await withInstanceBench(
    'overlay-capture',
    async ({ scale, dir, disk, diskBytes, kiln, client, boot, addBase, settle }) => {
      const credentials = await kiln.credentials();
      const sdk = new UHostClient({ endpoint: kiln.baseUrl, ...credentials, region: 'cn-bj2' });
      const base = await addBase('bench');
      // "5% of the disk" read two ways: of its virtual size (208 MiB of a 4 GiB disk, 13% of
      // what it holds), and of the data it holds (5% of ~1.5 GiB), which is what "a capture
      // costs what changed" is about. Both printed, each against its own full capture.
      const dataBytes = 48 * 32 * MiB * scale;
      // `--data-only`: the second alone (the target's), for runs while iterating.
      const variants = [
        { label: '5% of the virtual size', bytes: diskBytes * 0.05 },
        { label: '5% of the data it holds', bytes: dataBytes * 0.05 },
      ].slice(process.argv.includes('--data-only') ? 1 : 0);
      for (const variant of variants) {
        const rounds: { cpSync: number; changed: Timed; full: Timed; touched: number; written: number }[] = [];
        for (let i = 0; i < roundCount; i++) {
          const host = await createHost(client, base, boot);
          await stopHost(client, host);
          const writes = spreadWrites(diskBytes, variant.bytes, i);
          await writeAll(await diskPath(kiln, host), writes);
          const fresh = await createHost(client, base, boot);
          await stopHost(client, fresh);
          await writeDataRegions(await diskPath(kiln, fresh), scale);
          await writeAll(await diskPath(kiln, fresh), writes);
          settle();
          const copy = join(dir, `copy-${i}.raw`);
          const t = process.hrtime.bigint();
          execFileSync('cp', ['--sparse=always', disk, copy]);
          settle();
          const cpSync = secondsSince(t);
          await rm(copy);
          settle();
          const changed = await capture(kiln, sdk, host, `changed-${variant.bytes}-${i}`);
          settle();
          const full = await capture(kiln, sdk, fresh, `full-${variant.bytes}-${i}`);
          rounds.push({ cpSync, changed, full, touched: chunksTouched(writes), written: writes.reduce((n, w) => n + w.length, 0) });
          console.log(
            `round ${i + 1}: changed ${changed.client.toFixed(3)} / ${changed.server.toFixed(3)} s, full ${full.client.toFixed(3)} / ${full.server.toFixed(3)} s (client / server), ratio ${(changed.client / full.client).toFixed(3)} / ${(changed.server / full.server).toFixed(3)}; load ${loadavg()[0]!.toFixed(2)}`,
          );
          console.log(`  changed: ${showSteps(changed)}`);
          for (const h of [host, fresh]) await client.call('TerminateUHostInstance', { UHostId: h });
        }
        const pick = (f: (r: (typeof rounds)[number]) => number) => spreadOf(rounds.map(f));
        const cpSync = pick((r) => r.cpSync);
        const full = pick((r) => r.full.client);
        const ratio = (x: Spread) => `${x.median.toFixed(3)} [${x.min.toFixed(3)}..${x.max.toFixed(3)}]`;
        const { written, touched } = rounds[0]!;
        console.log(
          `\n## Capture of an overlay disk of ${(4 * scale).toFixed(2)} GiB holding ${(dataBytes / GiB).toFixed(2)} GiB, ${variant.label} written since it was made (median of ${roundCount} [min..max]; load ${loadavg()
            .map((l) => l.toFixed(2))
            .join(' ')})`,
        );
        console.log(
          `written: ${(written / MiB).toFixed(0)} MiB (${((100 * written) / diskBytes).toFixed(2)}% of the disk, ${((100 * written) / dataBytes).toFixed(2)}% of its data) in 8 MiB writes at 1 MiB offsets, touching ${touched} chunks of 4 MiB`,
        );
        console.log(`cp --sparse=always; sync of the raw disk                   ${showSpread(cpSync)} s`);
        console.log(`kiln capture, changed (keys reused), client                ${showSpread(pick((r) => r.changed.client))} s`);
        console.log(`kiln capture, changed (keys reused), server (job)          ${showSpread(pick((r) => r.changed.server))} s`);
        console.log(
          `kiln capture, full (every chunk new), client               ${showSpread(full)} s  ratio ${(full.median / cpSync.median).toFixed(2)} vs cp; sync`,
        );
        console.log(`kiln capture, full (every chunk new), server (job)         ${showSpread(pick((r) => r.full.server))} s`);
        console.log(`changed / full, per round, client                          ${ratio(pick((r) => r.changed.client / r.full.client))}`);
        console.log(`changed / full, per round, server (job)                    ${ratio(pick((r) => r.changed.server / r.full.server))}`);
        console.log(`where the changed capture's time goes, ms, median [min..max] of the rounds:`);
        for (const name of Object.keys(rounds[0]!.changed.steps)) console.log(`  ${name.padEnd(28)} ${showMs(pick((r) => r.changed.steps[name] ?? NaN))}`);
      }
    },
    env,
  );
}

function showMs(s: Spread): string {
  return `${s.median.toFixed(1)} [${s.min.toFixed(1)}..${s.max.toFixed(1)}]`;
}

/** One capture's time, step by step (ms): the job's steps, then what the row and the client add. */
function showSteps(t: Timed): string {
  return Object.entries(t.steps)
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join(', ');
}

/**
 * Seconds a capture took as the client saw it and as the server's job row records it, and
 * its steps in ms: the job's (from its log line), the call's answer, and what the client's
 * polling added after the commit.
 */
interface Timed {
  client: number;
  server: number;
  steps: Record<string, number>;
}

async function capture(kiln: KilnProcess, sdk: UHostClient, host: string, name: string): Promise<Timed> {
  const t = process.hrtime.bigint();
  const { ImageId: imageId } = await sdk.createCustomImage({ UHostId: host, ImageName: name });
  const answered = secondsSince(t);
  await sdk.waitForImage(imageId, CLI_IMAGE_WAIT);
  const seconds = secondsSince(t);
  const job = await kiln.latestJob(imageId);
  if (!job || job.state !== 'succeeded') throw new Error(`the capture job of ${imageId} did not succeed: ${JSON.stringify(job)}`);
  // Queued (in the request's transaction) until finished (the commit that made the image Available).
  const server = (job.updatedAt - job.createdAt) / 1000;
  const logged = jobSteps(kiln.output, job.id);
  return {
    client: seconds,
    server,
    steps: { 'call answered': answered * 1000, ...logged, 'seen by the poll after commit (about)': (seconds - answered - server) * 1000 },
  };
}

/** The queued time and steps of a job's "job succeeded" log line (pino JSON), in ms. */
function jobSteps(log: string, jobId: string): Record<string, number> {
  for (const line of log.split('\n').reverse()) {
    if (!line.includes(jobId) || !line.includes('job succeeded')) continue;
    const entry = JSON.parse(line) as { queuedMs?: number; steps?: Record<string, number> };
    return { queued: entry.queuedMs ?? NaN, ...entry.steps };
  }
  return {};
}

/**
 * `bytes` in 8 MiB writes spread evenly over the disk, each at a whole MiB. A guest's file
 * system places its writes with no regard for Kiln's 4 MiB chunks, so most of these touch
 * three chunks rather than two; aligning them would measure a best case no guest gives.
 * (5% of the virtual size touches about 70 of the disk's 1024 chunks, and a full capture of
 * that layout stores about 456, so where every chunk costs the same that ratio cannot go
 * below ~0.15.)
 */
function spreadWrites(size: number, bytes: number, seed: number): { offset: number; length: number }[] {
  const count = Math.max(1, Math.round(bytes / (8 * MiB)));
  const step = Math.floor(size / count / MiB) * MiB;
  return Array.from({ length: count }, (_, k) => ({ offset: k * step + ((seed * 7 + k) % 5) * MiB, length: 8 * MiB }));
}

/** Random data over each extent, eight writes to a qemu-io run. */
async function writeAll(path: string, extents: readonly { offset: number; length: number }[]): Promise<void> {
  for (let first = 0; first < extents.length; first += 8)
    await guestWriteMany(
      path,
      extents.slice(first, first + 8).map((e) => ({ offset: e.offset, data: randomFillSync(Buffer.allocUnsafe(e.length)) })),
    );
}

/** How many chunks the extents touch: what a capture of the overlay reads, hashes and stores. */
function chunksTouched(extents: readonly { offset: number; length: number }[]): number {
  const chunks = new Set<number>();
  for (const e of extents) for (let c = Math.floor(e.offset / CHUNK); c <= Math.floor((e.offset + e.length - 1) / CHUNK); c++) chunks.add(c);
  return chunks.size;
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
