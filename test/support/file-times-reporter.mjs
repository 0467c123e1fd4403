/**
 * A node --test reporter that writes, per test file, the summed duration of its top-level
 * tests (the first one includes the file's `before` hooks) as JSON lines: the runner reads
 * them to print each phase's slowest files, so the suite's 20-minute budget is watched.
 */
export default async function* fileTimes(source) {
  const perFile = new Map();
  for await (const ev of source) {
    if ((ev.type !== 'test:pass' && ev.type !== 'test:fail') || ev.data.nesting !== 0 || !ev.data.file) continue;
    perFile.set(ev.data.file, (perFile.get(ev.data.file) ?? 0) + (ev.data.details?.duration_ms ?? 0));
  }
  for (const [file, ms] of perFile) yield `${JSON.stringify({ file, ms })}\n`;
}
