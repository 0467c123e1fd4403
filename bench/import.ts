/**
 * Import benchmark: Kiln's end-to-end import against qemu-img on the
 * same file.
 *
 *   npm run bench:import                            # 4 GiB virtual, ~1.5 GiB of data, 3 rounds
 *   npm run bench:import -- --scale 0.1 --rounds 3  # or KILN_BENCH_SCALE / KILN_BENCH_ROUNDS
 *   npm run bench:import -- --only qcow2,raw        # formats whose name starts with one of these
 *   npm run bench:import -- --file-server node      # the test suite's Node server instead of nginx
 *   npm run bench:import -- --dir /tmp/kiln-disks   # keep the disk and its variants for the next run
 *
 * The disk is built once and converted once per format, then served over loopback HTTP
 * (with Range support, as S3 and UFile answer) by nginx when installed, else by the test
 * suite's Node file server (bench-file-server.ts says why); the server's CPU during each
 * import is printed. Each round measures, format by format and
 * one side after the other, with the file read into the page cache just before each side:
 *  - Kiln: a fresh `kiln serve` (SQLite + directory blob store, fsync on: its default
 *    durability), the UCloud ImportCustomImage call until DescribeImage says Available.
 *    A fresh process per import so no chunk is already stored from an earlier round.
 *  - qemu-img: `qemu-img convert -f FMT -O raw` of the local file, then `sync`.
 * It prints min/median/max of each and the ratio of the medians (Kiln / qemu-img).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KilnProcess } from '../test/support/kiln-process.ts';
import { cpuSecondsOf, fileServerKind, startBenchFileServer, type BenchFileServer } from './bench-file-server.ts';
import { QEMU_IMG, benchRounds, benchScale, buildSource, primeCache, variantsIn, writeVariants, type BenchVariant } from './bench-source.ts';
import { printTable, secondsSince, showSpread, spreadOf } from './bench-stats.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const WIRE_FORMAT: Record<string, string> = { raw: 'RAW', qcow2: 'qcow2', vmdk: 'VMDK', vpc: 'VHD' };

function timeQemu(v: BenchVariant, dst: string): number {
  const t = process.hrtime.bigint();
  execFileSync(QEMU_IMG, ['convert', '-f', v.qemuFormat, '-O', 'raw', v.path, dst]);
  execFileSync('sync');
  return secondsSince(t);
}

/** Peak resident memory of the `kiln serve` process so far (VmHWM), MiB. */
async function peakRssMiB(pid: number | undefined): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(status);
  return kb ? Number(kb[1]) / 1024 : NaN;
}

/**
 * Data directories of the Kiln processes measured so far, removed at the end of the run:
 * a deletion of one import's ~430 chunk files costs whatever runs after it, not only a
 * `sync`. On this machine's ext4, every new inode for seconds afterwards is allocated past
 * the recently freed ones (`recently_deleted` and `find_get_block_common` were ~0.35 s of
 * a raw import's CPU in a `perf` profile), which the next format's Kiln paid for, and on
 * a mount with `discard` qemu-img was slower after one too (qcow2 2.73-3.32 s with the
 * deletions between imports, 1.33-2.63 s without, 2026-12-07).
 */
const measuredDirs: string[] = [];

async function timeKiln(v: BenchVariant, url: string, port: number): Promise<{ seconds: number; rss: number; cpu: number }> {
  const kiln = await KilnProcess.start({
    KILN_IMPORT_ALLOW_HOSTS: `127.0.0.1:${port}`,
    KILN_BLOB_FSYNC: 'true',
    KILN_MAX_VIRTUAL_SIZE: String(8 * GiB),
    // Kiln's default, not the test harness's 50 ms: a claim every 50 ms took ~1.4 s of the
    // server's CPU during a 35 s import (cpu profile), time no deployment spends.
    KILN_JOB_POLL_MS: '200',
  });
  try {
    const client = await kiln.adminClient();
    const t = process.hrtime.bigint();
    const cpuAtCall = cpuSecondsOf(kiln.child?.pid);
    const r = await client.call('ImportCustomImage', {
      ImageName: `bench-${v.name.replace(/\W+/g, '-')}`,
      UFileUrl: url,
      OsType: 'Linux',
      OsName: 'Linux',
      Format: WIRE_FORMAT[v.qemuFormat],
      Auth: true,
    });
    if (r.body.RetCode !== 0) throw new Error(`ImportCustomImage failed: ${JSON.stringify(r.body)}`);
    const imageId = r.body.ImageId as string;
    for (;;) {
      const d = await client.call('DescribeImage', { ImageId: imageId });
      const img = (d.body.ImageSet as { State: string; FailedReason?: string }[] | undefined)?.[0];
      if (img?.State === 'Available') {
        const seconds = secondsSince(t);
        return { seconds, rss: await peakRssMiB(kiln.child?.pid), cpu: cpuSecondsOf(kiln.child?.pid) - cpuAtCall };
      }
      if (img && img.State !== 'Making') throw new Error(`${v.name}: import ended ${img.State}: ${img.FailedReason ?? ''}`);
      await sleep(20);
    }
  } finally {
    await kiln.kill();
    measuredDirs.push(kiln.dataDir);
  }
}

/** The variants `--only a,b` names (by the start of their name, `vmdk` taking both); all without it. */
function onlyWanted(variants: BenchVariant[]): BenchVariant[] {
  const flag = process.argv.indexOf('--only');
  if (flag < 0) return variants;
  const wanted = (process.argv[flag + 1] ?? '').split(',').filter((w) => w !== '');
  const kept = variants.filter((v) => wanted.some((w) => v.name.startsWith(w)));
  if (kept.length === 0) throw new Error(`--only ${wanted.join(',')} matches none of ${variants.map((v) => v.name).join(', ')}`);
  return kept;
}

async function main(): Promise<void> {
  const scale = benchScale();
  const rounds = benchRounds();
  // --dir DIR keeps the disk and its variants between runs (built when missing, whatever --scale).
  const dirFlag = process.argv.indexOf('--dir');
  const kept = dirFlag >= 0 ? process.argv[dirFlag + 1] : undefined;
  const dir = kept ?? (await mkdtemp(join(tmpdir(), 'kiln-bench-import-')));
  let files: BenchFileServer | undefined;
  try {
    const src = join(dir, 'source.raw');
    let all: BenchVariant[];
    if (kept && existsSync(join(dir, 'dynamic.vhd'))) {
      console.log(`the disk and its variants kept in ${dir}`);
      all = variantsIn(dir);
    } else {
      console.log(`building a ${(4 * scale).toFixed(2)} GiB virtual disk with ~${(1.5 * scale).toFixed(2)} GiB of data in ${dir}`);
      await mkdir(dir, { recursive: true });
      await buildSource(src, scale);
      all = writeVariants(src, dir);
    }
    const variants = onlyWanted(all);
    files = await startBenchFileServer(
      fileServerKind(),
      variants.map((v) => v.path),
    );
    console.log(`file server: ${files.kind}`);
    const kiln = new Map<string, number[]>();
    const rss = new Map<string, number[]>();
    const qemu = new Map<string, number[]>();
    const served = new Map<string, number[]>();
    for (let round = 1; round <= rounds; round++) {
      for (const v of variants) {
        const url = files.urlOf(v.path);
        const dst = join(dir, 'qemu-out.raw');
        primeCache(v.path);
        const q = timeQemu(v, dst);
        await rm(dst, { force: true });
        execFileSync('sync'); // the next side does not pay for this side's writes
        primeCache(v.path);
        const cpuBefore = files.cpuSeconds();
        const { seconds: k, rss: peak, cpu } = await timeKiln(v, url, files.port);
        const sent = files.cpuSeconds() - cpuBefore;
        // What Kiln's side left to write back (its database, the syncfs'd chunks' metadata)
        // is not the next qemu-img's to flush.
        execFileSync('sync');
        qemu.set(v.name, [...(qemu.get(v.name) ?? []), q]);
        kiln.set(v.name, [...(kiln.get(v.name) ?? []), k]);
        rss.set(v.name, [...(rss.get(v.name) ?? []), peak]);
        served.set(v.name, [...(served.get(v.name) ?? []), sent]);
        const load = loadavg()
          .map((l) => l.toFixed(2))
          .join(' ');
        console.log(
          `  round ${round} ${v.name}: kiln ${k.toFixed(2)} s (CPU ${cpu.toFixed(2)} s, peak RSS ${peak.toFixed(0)} MiB, ${files.kind} file server CPU ${sent.toFixed(2)} s), qemu-img ${q.toFixed(2)} s; load ${load}`,
        );
      }
    }
    console.log(`\n## Import from ${files.kind}: call -> Available against qemu-img convert -O raw + sync (${rounds} interleaved rounds; median [min..max] s)`);
    const rows: string[][] = [];
    for (const v of variants) {
      const k = spreadOf(kiln.get(v.name)!);
      const q = spreadOf(qemu.get(v.name)!);
      const peak = Math.max(...rss.get(v.name)!);
      const size = ((await stat(v.path)).size / MiB).toFixed(0);
      const sent = spreadOf(served.get(v.name)!).median.toFixed(2);
      rows.push([v.name, size, showSpread(k), showSpread(q), (k.median / q.median).toFixed(2), peak.toFixed(0), sent]);
    }
    printTable(['format', 'file MiB', 'kiln import s', 'qemu-img + sync s', 'ratio', 'kiln peak RSS MiB', 'file server CPU s'], rows);
    console.log(
      `load average at the end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await files?.close();
    for (const d of measuredDirs) await rm(d, { recursive: true, force: true });
    if (!kept) await rm(dir, { recursive: true, force: true });
  }
}

await main();
