/**
 * Upload benchmark: the import benchmarks' qcow2 (4 GiB virtual, ~1.5 GiB of data x
 * KILN_BENCH_SCALE) uploaded over loopback with the SDK's uploadImage, against `curl -T`
 * of the same file to a bare node:http server that writes it to a file and fsyncs it
 * (bare-upload-server.ts), in the same run, rounds interleaved, the file in the page
 * cache before each side. Kiln is measured twice: the transfer (the upload created ->
 * its last PATCH acknowledged) and create -> Available. The SHA-256 the SDK computes
 * before it creates the upload (the call -> created) is printed on its own, and `curl -T`
 * sending the file as one PATCH to Kiln's endpoint shows how much of the ratio is the
 * server's.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { UHostClient, UploadsEndpoint } from 'kiln-images-sdk';
import { KilnProcess, freePort } from '../test/support/kiln-process.ts';
import { QEMU_IMG, benchRounds, benchScale, buildSource, primeCache } from './bench-source.ts';
import { printTable, secondsSince, showSpread, spreadOf } from './bench-stats.ts';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const root = resolve(import.meta.dirname, '..');

function bareServer(port: number, file: string): Promise<ChildProcess> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/bare-upload-server.ts', String(port), file], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && ok(child));
    child.on('exit', (code) => fail(new Error(`bare upload server exited ${code}`)));
  });
}

function timeCurl(file: string, port: number): number {
  const t = process.hrtime.bigint();
  const code = execFileSync('curl', ['-sS', '-T', file, '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${port}/upload`]).toString();
  if (code !== '204') throw new Error(`curl -T got HTTP ${code}`);
  return secondsSince(t);
}

/**
 * `curl -T` sending the file as one tus PATCH to Kiln's own endpoint (a fresh server too):
 * the same transfer without the SDK, so the ratio splits into the client's share and the
 * server's.
 */
async function timeCurlToKiln(file: string, size: number, checksum: string): Promise<number> {
  const kiln = await KilnProcess.start({ KILN_BLOB_FSYNC: 'true', KILN_MAX_VIRTUAL_SIZE: String(8 * GiB), KILN_LOG_LEVEL: 'warn' });
  try {
    const keys = await kiln.credentials();
    const uhost = new UHostClient({ endpoint: kiln.baseUrl, ...keys, region: 'cn-bj2' });
    const uploads = new UploadsEndpoint(uhost.kiln);
    const t = process.hrtime.bigint();
    const u = await uploads.create({ product: 'uhost', size, name: 'bench-curl', format: 'QCOW2', checksum, region: 'cn-bj2' });
    const url = await uhost.kiln.url(`/v1/uploads/${u.uploadId}`, 'Upload', { UploadId: u.uploadId });
    const headers = ['Tus-Resumable: 1.0.0', 'Upload-Offset: 0', 'Content-Type: application/offset+octet-stream'].flatMap((h) => ['-H', h]);
    const code = execFileSync('curl', ['-sS', '-X', 'PATCH', '-T', file, ...headers, '-o', '/dev/null', '-w', '%{http_code}', url]).toString();
    if (code !== '204') throw new Error(`curl PATCH to kiln got HTTP ${code}`);
    return secondsSince(t);
  } finally {
    await kiln.stop();
  }
}

async function timeKiln(file: string): Promise<{ checksum: number; transfer: number; available: number }> {
  // A fresh server each round: no chunk is already stored from an earlier one.
  const kiln = await KilnProcess.start({ KILN_BLOB_FSYNC: 'true', KILN_MAX_VIRTUAL_SIZE: String(8 * GiB), KILN_LOG_LEVEL: 'warn' });
  try {
    const keys = await kiln.credentials();
    const uhost = new UHostClient({ endpoint: kiln.baseUrl, ...keys, region: 'cn-bj2' });
    let created = 0n;
    const called = process.hrtime.bigint();
    const r = await uhost.uploadImage(file, {
      name: 'bench-upload',
      format: 'QCOW2',
      wait: false,
      onCreated: () => {
        created = process.hrtime.bigint();
      },
    });
    const transfer = secondsSince(created);
    await uhost.waitForImage(r.imageId, { intervalMs: 50, maxIntervalMs: 50, timeoutMs: 3600_000 });
    return { checksum: Number(created - called) / 1e9, transfer, available: secondsSince(created) };
  } finally {
    await kiln.stop();
  }
}

export async function uploadBench(): Promise<void> {
  const scale = benchScale();
  const rounds = benchRounds();
  const dir = await mkdtemp(join(tmpdir(), 'kiln-bench-upload-'));
  let bare: ChildProcess | undefined;
  try {
    const raw = join(dir, 'source.raw');
    console.log(`building a ${(4 * scale).toFixed(2)} GiB virtual disk with ~${(1.5 * scale).toFixed(2)} GiB of data as qcow2 in ${dir}`);
    await buildSource(raw, scale);
    const file = join(dir, 'disk.qcow2');
    execFileSync(QEMU_IMG, ['convert', '-f', 'raw', '-O', 'qcow2', raw, file]);
    await rm(raw);
    const size = (await stat(file)).size;
    const port = await freePort();
    bare = await bareServer(port, join(dir, 'received.bin'));
    const hash = createHash('sha256');
    for await (const piece of createReadStream(file, { highWaterMark: 4 * MiB })) hash.update(piece as Buffer);
    const checksum = `sha256:${hash.digest('hex')}`;
    const sums: number[] = [];
    const curl: number[] = [];
    const curlKiln: number[] = [];
    const transfer: number[] = [];
    const available: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      primeCache(file);
      curl.push(timeCurl(file, port));
      await rm(join(dir, 'received.bin'), { force: true });
      execFileSync('sync');
      primeCache(file);
      const ck = await timeCurlToKiln(file, size, checksum);
      curlKiln.push(ck);
      execFileSync('sync');
      primeCache(file);
      const k = await timeKiln(file);
      sums.push(k.checksum);
      transfer.push(k.transfer);
      available.push(k.available);
      console.log(
        `  round ${round}: checksum ${sums.at(-1)!.toFixed(2)} s, curl -T ${curl.at(-1)!.toFixed(2)} s, curl PATCH to kiln ${ck.toFixed(2)} s, kiln transfer ${k.transfer.toFixed(2)} s, kiln create -> Available ${k.available.toFixed(2)} s`,
      );
    }
    const c = spreadOf(curl);
    const tr = spreadOf(transfer);
    const av = spreadOf(available);
    console.log(`\n## Upload of a ${(size / MiB).toFixed(0)} MiB qcow2 over loopback (${rounds} interleaved rounds; median [min..max] s)`);
    printTable(
      ['side', 'seconds', 'MiB/s', 'ratio vs curl -T'],
      [
        ['curl -T to a bare server (write + fsync)', showSpread(c), (size / MiB / c.median).toFixed(0), '1.00'],
        [
          'curl -T as one tus PATCH to kiln (create -> 204)',
          showSpread(spreadOf(curlKiln)),
          (size / MiB / spreadOf(curlKiln).median).toFixed(0),
          (spreadOf(curlKiln).median / c.median).toFixed(2),
        ],
        ['kiln SDK uploadImage: create -> last PATCH', showSpread(tr), (size / MiB / tr.median).toFixed(0), (tr.median / c.median).toFixed(2)],
        ['kiln SDK uploadImage: create -> Available', showSpread(av), (size / MiB / av.median).toFixed(0), (av.median / c.median).toFixed(2)],
        ['kiln SDK SHA-256 of the file (call -> created)', showSpread(spreadOf(sums)), (size / MiB / spreadOf(sums).median).toFixed(0), ''],
      ],
    );
    console.log('(target: transfer ratio <= 1.5)');
  } finally {
    bare?.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await uploadBench();
