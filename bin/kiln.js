#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx so a checkout works right after
// `npm ci`, with no separate build step to forget.
//
// Kysely is loaded by Node itself before tsx's loader is registered: the loader handles
// every module after that, and Kysely's few hundred files cost each `kiln` process about a
// quarter of a second more through it. The TypeScript sources then share this instance.
await import('kysely');
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
