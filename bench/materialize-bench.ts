import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost } from '../test/support/uhost-flow.ts';
import { showSpread, spreadOf } from './bench-stats.ts';
import { type InstanceBench, withInstanceBench } from './instance-bench-setup.ts';
import { probeEnv, probeSummary } from './serve-probe.ts';

/**
 * Instance creation from an image: CreateUHostInstance until the host is Running, once
 * with the image not yet on the node (a cache miss: every chunk written into the node's
 * cache entry and flushed, then the overlay made) and once more with it cached (only the
 * overlay), against `cp --sparse=always` of the equivalent raw file (and cp followed by
 * sync, since a deployed disk is flushed). Each round adds the image anew, so its first
 * host is a miss; the peer goes before Kiln in rounds 1 and 3 and after it in round 2.
 * With KILN_BENCH_PROBE=1 each round also prints what the server's main thread went
 * through during the miss (serve-probe.mjs): event-loop delays and SQLite statement times.
 */
export async function materializeBench(): Promise<void> {
  const probe = join(tmpdir(), `kiln-bench-probe-${randomBytes(4).toString('hex')}.jsonl`);
  try {
    await withInstanceBench('materialize', (bench) => rounds(bench, probe), probeEnv(probe));
  } finally {
    await rm(probe, { force: true });
  }
}

async function rounds({ scale, dir, disk, client, boot, addBase, settle }: InstanceBench, probe: string): Promise<void> {
  const done: { cp: number; cpSync: number; miss: number; hit: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const imageId = await addBase(`bench-${i}`);
    settle();
    const copy = join(dir, `copy-${i}.raw`);
    const peer = () => {
      const t = process.hrtime.bigint();
      execFileSync('cp', ['--sparse=always', disk, copy]);
      const cp = Number(process.hrtime.bigint() - t) / 1e9;
      settle();
      return { cp, cpSync: Number(process.hrtime.bigint() - t) / 1e9 };
    };
    const deploy = async () => {
      const t = process.hrtime.bigint();
      const from = Date.now();
      const host = await createHost(client, imageId, boot);
      const took = Number(process.hrtime.bigint() - t) / 1e9;
      const server = probeSummary(probe, from, Date.now());
      settle();
      return { host, took, server };
    };
    // Which side goes first alternates: the root filesystem may be mounted with
    // `discard`, and whatever writes right after a large delete or a large flush pays
    // for it, so neither side is always the one that follows the other.
    const peerFirst = i % 2 === 0;
    const before = peerFirst ? peer() : undefined;
    const first = await deploy();
    const second = await deploy();
    const after = peerFirst ? undefined : peer();
    const { cp, cpSync } = (before ?? after)!;
    done.push({ cp, cpSync, miss: first.took, hit: second.took });
    if (first.server) console.log(`round ${i}: image not cached ${first.took.toFixed(2)} s; ${first.server}`);
    for (const host of [first.host, second.host]) await client.call('TerminateUHostInstance', { UHostId: host });
    await rm(copy);
    settle();
    // Deletes free their blocks at the next journal commit (every 5 s by default); let
    // that happen before the next round measures anything.
    await new Promise((r) => setTimeout(r, 6000));
  }
  const cp = spreadOf(done.map((r) => r.cp));
  const cpSync = spreadOf(done.map((r) => r.cpSync));
  const miss = spreadOf(done.map((r) => r.miss));
  const hit = spreadOf(done.map((r) => r.hit));
  console.log(`\n## Instance from an image of a ${(4 * scale).toFixed(2)} GiB disk (median of 3 [min..max])`);
  console.log(`cp --sparse=always                                  ${showSpread(cp)} s`);
  console.log(`cp --sparse=always; sync                            ${showSpread(cpSync)} s`);
  console.log(`kiln CreateUHostInstance -> Running, image not cached ${showSpread(miss)} s  ratio ${(miss.median / cpSync.median).toFixed(2)} vs cp; sync`);
  console.log(`kiln CreateUHostInstance -> Running, image cached    ${showSpread(hit)} s  ratio ${(hit.median / cp.median).toFixed(2)} vs cp`);
}
