import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DiskFormatError } from '../../../src/disk/disk-reader.ts';
import { openDisk } from '../../../src/disk/open-disk.ts';
import { moveGrainDirectoryToFooter, qemuImg, qemuIo, readerSha256, writeSourceRaw } from '../../support/disk-images.ts';

const MUTATIONS = Number(process.env.KILN_FUZZ_CASES ?? 300);
const CASE_TIMEOUT_MS = 5000;
const FUZZ_CAP = 64 * 1024 * 1024;

/** Deterministic PRNG (mulberry32) so a failing case can be replayed from its index. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Base {
  name: string;
  bytes: Buffer;
  /** Byte ranges worth hitting harder: headers, tables, footers. */
  hot: [number, number][];
}

async function buildBases(dir: string): Promise<Base[]> {
  const src = join(dir, 'src.raw');
  await writeSourceRaw(src, 1024 * 1024 + 512);
  const make = async (name: string, fmt: string, ...opts: string[]) => {
    const path = join(dir, name);
    await qemuImg('convert', '-f', 'raw', '-O', fmt, ...opts, src, path);
    return path;
  };
  const bases: Base[] = [];
  const push = async (name: string, path: string, hot: (b: Buffer) => [number, number][]) => {
    const bytes = await readFile(path);
    bases.push({ name, bytes, hot: hot(bytes) });
  };
  const qcowHot = (b: Buffer): [number, number][] => {
    const l1 = Number(b.readBigUInt64BE(40));
    const l2 = Number(b.readBigUInt64BE(l1) & 0x00fffffffffffe00n);
    return [
      [0, 512],
      [l1, l1 + 64],
      [l2, l2 + 4096],
    ];
  };
  await push('qcow2-v3-4k', await make('a.qcow2', 'qcow2', '-o', 'cluster_size=4096'), qcowHot);
  await push('qcow2-v2', await make('b.qcow2', 'qcow2', '-o', 'compat=0.10'), qcowHot);
  await push('qcow2-compressed', await make('c.qcow2', 'qcow2', '-c', '-o', 'cluster_size=4096'), qcowHot);
  const z = await make('z.qcow2', 'qcow2', '-o', 'cluster_size=4096');
  await qemuIo('qcow2', z, 'write -z 0 64k');
  await push('qcow2-zero', z, qcowHot);
  const vmdkHot = (b: Buffer): [number, number][] => {
    const gd = Number(b.readBigUInt64LE(56) & 0xffffffffn) * 512;
    const gt = b.readUInt32LE(gd) * 512;
    return [
      [0, 512],
      [512, 1024],
      [gd, gd + 16],
      [gt, gt + 256],
    ];
  };
  await push('vmdk-sparse', await make('s.vmdk', 'vmdk', '-o', 'subformat=monolithicSparse'), vmdkHot);
  const stream = await make('t.vmdk', 'vmdk', '-o', 'subformat=streamOptimized');
  await push('vmdk-stream', stream, vmdkHot);
  const atEnd = await moveGrainDirectoryToFooter(await readFile(stream));
  bases.push({
    name: 'vmdk-stream-gd-at-end',
    bytes: atEnd,
    hot: [
      [0, 512],
      [atEnd.length - 1536, atEnd.length],
    ],
  });
  const vhdHot = (b: Buffer): [number, number][] => [
    [0, 1536],
    [b.length - 512, b.length],
    [1536, 1536 + 64],
  ];
  await push('vhd-dynamic', await make('d.vhd', 'vpc', '-o', 'subformat=dynamic'), vhdHot);
  await push('vhd-fixed', await make('f.vhd', 'vpc', '-o', 'subformat=fixed'), (b) => [[b.length - 512, b.length]]);
  return bases;
}

function mutate(base: Base, rnd: () => number): Buffer {
  const out = Buffer.from(base.bytes);
  const edits = 1 + Math.floor(rnd() * 8);
  for (let i = 0; i < edits; i++) {
    const mode = rnd();
    let at: number;
    if (mode < 0.5) {
      const [s, e] = base.hot[Math.floor(rnd() * base.hot.length)] ?? [0, 512];
      at = s + Math.floor(rnd() * Math.max(1, Math.min(e, out.length) - s));
    } else if (mode < 0.9) {
      at = Math.floor(rnd() * Math.min(out.length, 64 * 1024));
    } else {
      at = Math.floor(rnd() * out.length);
    }
    const kind = rnd();
    if (kind < 0.5) out[at] = (out[at] ?? 0) ^ (1 << Math.floor(rnd() * 8));
    else if (kind < 0.8) out[at] = Math.floor(rnd() * 256);
    else out.fill(rnd() < 0.5 ? 0xff : 0x00, at, Math.min(out.length, at + 8));
  }
  if (rnd() < 0.05) return out.subarray(0, Math.floor(rnd() * out.length));
  return out;
}

async function openAndRead(path: string): Promise<'ok'> {
  const reader = await openDisk(path, { maxVirtualSize: FUZZ_CAP });
  try {
    await readerSha256(reader);
    return 'ok';
  } finally {
    await reader.close();
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

describe('fuzzed images either read or fail with DiskFormatError', () => {
  let dir = '';
  let bases: Base[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kiln-disk-fuzz-'));
    bases = await buildBases(dir);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(`${MUTATIONS} seeded mutations`, { timeout: 240_000 }, async (t) => {
    const rnd = prng(Number(process.env.KILN_FUZZ_SEED ?? 0x6b696c6e));
    const rssBefore = process.memoryUsage().rss;
    const outcomes = { ok: 0, refused: 0 };
    const unexpected: string[] = [];
    for (let i = 0; i < MUTATIONS; i++) {
      const base = bases[i % bases.length]!;
      const path = join(dir, `case-${i}`);
      await writeFile(path, mutate(base, rnd));
      try {
        await withTimeout(openAndRead(path), CASE_TIMEOUT_MS, `case ${i} (${base.name})`);
        outcomes.ok++;
      } catch (e) {
        if (e instanceof DiskFormatError) outcomes.refused++;
        else unexpected.push(`case ${i} (${base.name}): ${e instanceof Error ? e.stack : String(e)}`);
      }
      await rm(path, { force: true });
    }
    t.diagnostic(`readable ${outcomes.ok}, refused ${outcomes.refused}`);
    assert.deepEqual(unexpected, []);
    assert.equal(outcomes.ok + outcomes.refused, MUTATIONS);
    // Both outcomes must occur, or the mutations are not reaching the parsers.
    assert.ok(outcomes.refused > MUTATIONS / 10, `only ${outcomes.refused} refusals`);
    assert.ok(outcomes.ok > 0, 'no mutated image was readable');
    const growth = process.memoryUsage().rss - rssBefore;
    assert.ok(growth < 512 * 1024 * 1024, `RSS grew by ${growth} bytes`);
  });
});
