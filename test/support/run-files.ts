/**
 * `node --test` for test/run-tests.ts, but starting the files in the order given: the CLI of
 * node 20 sorts its file arguments by name, and the runner wants the slowest started first
 * (test/slowest-first.txt). Same isolation (a process per file, with this process's
 * --import tsx), same spec output and summary lines, and the file-times reporter's lines.
 *
 *   node --import tsx test/support/run-files.ts CONCURRENCY TIMES_FILE [NODE_TEST_ARGS] -- FILE...
 *
 * NODE_TEST_ARGS: --test-name-pattern=RE (repeatable), --test-only, --test-timeout=MS.
 */
import { setMaxListeners } from 'node:events';
import { createWriteStream } from 'node:fs';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import fileTimes from './file-times-reporter.mjs';

function parse(argv: string[]): { concurrency: number; timesFile: string; files: string[]; testNamePatterns: RegExp[]; only: boolean; timeout?: number } {
  const [concurrencyText, timesFile, ...rest] = argv;
  const concurrency = Number(concurrencyText);
  if (!Number.isInteger(concurrency) || concurrency < 1 || !timesFile)
    throw new Error('usage: run-files.ts CONCURRENCY TIMES_FILE [node test args] -- FILE...');
  const sep = rest.indexOf('--');
  const args = sep < 0 ? [] : rest.slice(0, sep);
  const files = sep < 0 ? rest : rest.slice(sep + 1);
  const testNamePatterns: RegExp[] = [];
  let only = false;
  let timeout: number | undefined;
  for (const a of args) {
    const [flag, value] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (flag === '--test-name-pattern' && value !== undefined) testNamePatterns.push(new RegExp(value));
    else if (flag === '--test-only' && value === undefined) only = true;
    else if (flag === '--test-timeout' && value !== undefined && Number.isFinite(Number(value))) timeout = Number(value);
    else throw new Error(`run-files.ts does not pass on ${a} (it knows --test-name-pattern=RE, --test-only, --test-timeout=MS)`);
  }
  return { concurrency, timesFile, files, testNamePatterns, only, ...(timeout === undefined ? {} : { timeout }) };
}

const opts = parse(process.argv.slice(2));
const stop = new AbortController();
// run() listens on the signal once per file it runs at the same time and more; without this, node
// warns of a listener leak in every phase, a line that reads like a fault in CI logs.
setMaxListeners(0, stop.signal);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());

const stream = run({
  files: opts.files,
  concurrency: opts.concurrency,
  signal: stop.signal,
  only: opts.only,
  ...(opts.testNamePatterns.length > 0 ? { testNamePatterns: opts.testNamePatterns } : {}),
  ...(opts.timeout === undefined ? {} : { timeout: opts.timeout }),
});
// The exit code node --test would give: a failed test (a todo's failure does not count) fails the run.
stream.on('test:fail', (data: { todo?: string | boolean }) => {
  if (data.todo === undefined || data.todo === false) process.exitCode = 1;
});
stream.compose(new spec()).pipe(process.stdout);
stream.compose(fileTimes).pipe(createWriteStream(opts.timesFile));
