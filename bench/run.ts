import { captureBench } from './capture-bench.ts';
import { describeBench } from './describe-bench.ts';

// `npm run bench`: every figure is measured against its peer in the same run.
const only = process.argv[2];
if (!only || only === 'capture') await captureBench();
if (!only || only === 'describe') await describeBench();
