import { BenchStacks } from './bench-stacks.ts';
import { captureBench } from './capture-bench.ts';
import { consoleListBench } from './console-list-bench.ts';
import { describeBench } from './describe-bench.ts';
import { materializeBench } from './materialize-bench.ts';
import { overlayCaptureBench } from './overlay-capture-bench.ts';
import { uploadBench } from './upload-bench.ts';

// `npm run bench [capture|materialize|overlay-capture|describe|console|upload] [--stack pg-s3]`: every figure is
// measured against its peer in the same run; --stack pg-s3 also runs each benchmark on PostgreSQL + S3.
const args = process.argv.slice(2);
const names = ['capture', 'materialize', 'overlay-capture', 'describe', 'console', 'upload'];
const only = args.find((a) => names.includes(a));
const stacks = new BenchStacks();
try {
  const which = BenchStacks.fromArgs(args);
  if (!only || only === 'capture') await captureBench(stacks, which);
  if (!only || only === 'materialize') await materializeBench();
  if (!only || only === 'overlay-capture') await overlayCaptureBench();
  if (!only || only === 'describe') await describeBench(stacks, which);
  if (!only || only === 'console') await consoleListBench(stacks, which);
  if (!only || only === 'upload') await uploadBench();
} finally {
  await stacks.stop();
}
