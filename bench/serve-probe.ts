import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * `KILN_BENCH_PROBE=1`: a benchmark's server runs with serve-probe.mjs preloaded, and each
 * measure can say what the server's main thread went through meanwhile.
 */
export function probeEnv(file: string): Record<string, string> {
  if (process.env.KILN_BENCH_PROBE !== '1') return {};
  return { NODE_OPTIONS: `--import ${fileURLToPath(new URL('./serve-probe.mjs', import.meta.url))}`, KILN_BENCH_PROBE_OUT: file };
}

interface ProbeLine {
  t: number;
  loopMaxMs?: number;
  statements?: number;
  statementMs?: number;
  slowStatementMs?: number;
  sql?: string;
}

/** The probe's record between two instants (ms since the epoch), in one line; '' without a probe. */
export function probeSummary(file: string, from: number, to: number): string {
  if (!existsSync(file)) return '';
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as ProbeLine)
    // Per-second lines cover the second before them.
    .filter((l) => l.t > from && l.t <= to + (l.loopMaxMs === undefined ? 0 : 1000));
  const seconds = lines.filter((l) => l.loopMaxMs !== undefined);
  const loopMax = Math.max(0, ...seconds.map((l) => l.loopMaxMs!));
  const stalls = seconds.filter((l) => l.loopMaxMs! >= 100).length;
  const statements = seconds.reduce((n, l) => n + l.statements!, 0);
  const statementMs = seconds.reduce((n, l) => n + l.statementMs!, 0);
  const slowest = lines.filter((l) => l.slowStatementMs !== undefined).sort((a, b) => b.slowStatementMs! - a.slowStatementMs!)[0];
  return (
    `server: longest event-loop delay ${loopMax.toFixed(0)} ms (${stalls} of ${seconds.length} s with one >= 100 ms), ` +
    `${statements} SQLite statements taking ${statementMs.toFixed(0)} ms in all` +
    (slowest ? `, slowest ${slowest.slowStatementMs!.toFixed(0)} ms: ${slowest.sql}` : '')
  );
}
