#!/usr/bin/env node
// Runs the compiled JavaScript in dist/ (`npm run build`, which `npm ci` and `npm pack`
// run through `prepare`): loading the TypeScript sources through a loader cost every
// `kiln` process 0.5-2 s.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(`kiln: ${entry.pathname} is missing; in a checkout, run \`npm run build\` (\`npm ci\` does) first\n`);
  process.exit(1);
}
const { main } = await import(entry.href);
await main(process.argv);
