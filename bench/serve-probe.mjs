// Preloaded into a benchmark's `kiln serve` (NODE_OPTIONS=--import, KILN_BENCH_PROBE_OUT set),
// never into Kiln itself: what the server's main thread went through, so a slow figure can be
// told apart as the event loop held up (and by which SQLite statements) or not. Appends JSON
// lines to the file: each second, the longest event-loop delay; each SQLite statement that
// took 20 ms or more; each second, how many statements ran and their total time.
// Plain JavaScript: it loads before any TypeScript loader would.
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const out = process.env.KILN_BENCH_PROBE_OUT;
if (out && process.argv.includes('serve')) {
  const emit = (o) => appendFileSync(out, `${JSON.stringify({ t: Date.now(), ...o })}\n`);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let statements = 0;
  let statementMs = 0;
  setInterval(() => {
    emit({ loopMaxMs: loop.max / 1e6, statements, statementMs });
    loop.reset();
    statements = 0;
    statementMs = 0;
  }, 1000).unref();
  // better-sqlite3 runs each statement on this thread; every statement object shares one
  // prototype, patched at the first prepare.
  const Database = createRequire(import.meta.url)('better-sqlite3');
  const prepare = Database.prototype.prepare;
  let patched = false;
  Database.prototype.prepare = function (...args) {
    const statement = prepare.apply(this, args);
    if (!patched) {
      patched = true;
      const proto = Object.getPrototypeOf(statement);
      for (const name of ['run', 'get', 'all']) {
        const original = proto[name];
        proto[name] = function (...params) {
          const start = process.hrtime.bigint();
          try {
            return original.apply(this, params);
          } finally {
            const ms = Number(process.hrtime.bigint() - start) / 1e6;
            statements++;
            statementMs += ms;
            if (ms >= 20) emit({ slowStatementMs: ms, sql: this.source.replace(/\s+/g, ' ').slice(0, 100) });
          }
        };
      }
    }
    return statement;
  };
}
