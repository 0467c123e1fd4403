/**
 * On a terminal, `kiln images ... --wait` and `download` draw a progress bar (bytes,
 * rate, ETA). The CLI runs under a pseudo-terminal made by util-linux `script`, as a
 * person at a shell would run it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { writeSparseDisk } from '../support/disk-files.ts';
import { KilnProcess } from '../support/kiln-process.ts';
import { FileServer } from '../support/file-server.ts';
import { kilnBin } from '../support/user-cli.ts';

const MiB = 1024 * 1024;
const SCRIPT = '/usr/bin/script';
let kiln: KilnProcess;
const slow = new FileServer();
let slowUrl: string;
let env: Record<string, string>;
let dir: string;

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs `kiln ARGS` on a pty of 100 columns; returns everything the terminal was sent. */
function onTerminal(args: string[]): Promise<{ code: number | null; screen: string }> {
  const command = `stty cols 100 rows 10; ${[process.execPath, kilnBin, ...args].map(shellQuote).join(' ')}`;
  return new Promise((ok, fail) => {
    const child = spawn(SCRIPT, ['-qfec', command, '/dev/null'], {
      env: { PATH: process.env.PATH ?? '', HOME: dir, TERM: 'xterm-256color', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    child.stdout.on('data', (d: Buffer) => (screen += d.toString()));
    child.stderr.on('data', (d: Buffer) => (screen += d.toString()));
    child.once('error', fail);
    child.once('close', (code) => ok({ code, screen }));
  });
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-tty-'));
  const src = join(dir, 'disk.raw');
  await writeSparseDisk(src, 16 * MiB, [{ offset: 0, length: 16 * MiB, seed: 4 }]);
  await slow.start();
  slowUrl = slow.serve('disk.raw', src, { ranges: false, bytesPerSecond: 3 * MiB });
  kiln = await KilnProcess.start({ KILN_IMPORT_ALLOW_HOSTS: `127.0.0.1:${slow.port}`, KILN_JOB_HEARTBEAT_MS: '300' });
  const c = await kiln.credentials();
  env = { KILN_URL: kiln.baseUrl, KILN_PUBLIC_KEY: c.publicKey, KILN_PRIVATE_KEY: c.privateKey, KILN_CONFIG: join(dir, 'config.json') };
});

after(async () => {
  await slow.close();
  await kiln?.stop();
});

// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal control sequences start with ESC
const strip = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

test('import --wait and download draw a progress bar with bytes, rate and ETA on a terminal', {
  skip: existsSync(SCRIPT) ? false : 'util-linux script is not installed',
}, async () => {
  const imp = await onTerminal(['images', 'import', slowUrl, '--format', 'raw', '--name', 'on-a-tty', '--wait']);
  assert.equal(imp.code, 0, imp.screen);
  const screen = strip(imp.screen);
  // A frame while making: the bar, a percentage, bytes of bytes, a rate, an ETA and the
  // step (the file server ignores Range, so the file is downloaded before it is converted).
  assert.match(screen, /uimage-\S+ \[[█░]{25}\] \d+% \| [\d.]+ [KM]iB \/ 16\.0 MiB \| [\d.]+ \S+\/s \| ETA \S+ Making \(download 1\/2\)/);
  // The last frame: the image's real size and the import's average rate.
  assert.match(screen, /\[█{25}\] 100% \| 16\.0 MiB \/ 16\.0 MiB \| [\d.]+ \S+\/s average Available/);
  const id = /uimage-[0-9a-z]+/.exec(screen)![0];
  // Waiting again on the finished import (it ended before the first poll): one full frame
  // of its real size, not "1 B / 1 B | 0 B/s".
  const again = await onTerminal(['images', 'wait', id]);
  assert.equal(again.code, 0, again.screen);
  assert.match(strip(again.screen), new RegExp(`${id} \\[█{25}\\] 100% \\| 16\\.0 MiB / 16\\.0 MiB \\| [\\d.]+ \\S+/s average Available`));
  assert.doesNotMatch(strip(again.screen), /1 B \/ 1 B|0 B\/s/);
  const dl = await onTerminal(['images', 'download', id, '-o', join(dir, 'back.raw')]);
  assert.equal(dl.code, 0, dl.screen);
  assert.match(strip(dl.screen), /download uimage-\S+ \[█{25}\] 100% \| 16\.0 MiB \/ 16\.0 MiB/);
});
