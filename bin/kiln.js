#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx so a checkout works right after
// `npm ci`, with no separate build step to forget.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
