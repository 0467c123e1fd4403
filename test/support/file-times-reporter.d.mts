/** Types for file-times-reporter.mjs, plain JS so that `node --test --test-reporter=` loads it too. */
export default function fileTimes(
  source: AsyncIterable<{ type: string; data: { nesting: number; file?: string; details?: { duration_ms?: number } } }>,
): AsyncGenerator<string>;
