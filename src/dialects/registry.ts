/**
 * Every dialect this server speaks, in the order their URLs are tried. The one list
 * src/http, src/generate and the composition root loop over: a new dialect (or another
 * surface described the same way) is added here and in its own folder, nowhere else.
 */
import type { Dialect } from './dialect.ts';
import { ucloudDialect } from './ucloud/dialect.ts';
import { zenlayerDialect } from './zenlayer/dialect.ts';

export const dialects: readonly Dialect[] = [ucloudDialect, zenlayerDialect];
