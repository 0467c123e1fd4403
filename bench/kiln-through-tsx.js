#!/usr/bin/env node
// The `kiln` entry point as it was before dist/ existed, kept as the "before" of
// bench/cli-startup.ts: tsx registered in the process, the TypeScript sources loaded
// through it (Kysely loaded first by Node itself, as that entry point did).
await import('kysely');
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
