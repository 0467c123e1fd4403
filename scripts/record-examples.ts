/**
 * `npm run docs:examples`: starts a real Kiln (embedded stack, temp dir), makes every
 * action's example call with real signed requests (test/support/docs-examples), and
 * writes what was sent and answered, with ids, times and keys made stable, to
 * src/docs-site/recorded-examples.ts; the npm script then runs `npm run docs`, whose
 * reference pages include them. test/integration/docs-site.test.ts fails when the
 * server's answers no longer match the recording.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { recordedExamplesModule } from '../src/docs-site/recorded-examples-module.ts';
import { exampleServerEnv, makeExampleCalls } from '../test/support/docs-examples/example-calls.ts';
import { FileServer } from '../test/support/file-server.ts';
import { KilnProcess } from '../test/support/kiln-process.ts';

const target = resolve(import.meta.dirname, '../src/docs-site/recorded-examples.ts');
const files = new FileServer();
await files.start();
let kiln: KilnProcess | undefined;
try {
  kiln = await KilnProcess.start(exampleServerEnv(files));
  const examples = await makeExampleCalls(kiln, files);
  await writeFile(target, recordedExamplesModule(examples));
  process.stdout.write(`wrote ${examples.length} examples to src/docs-site/recorded-examples.ts\n`);
} finally {
  await kiln?.stop();
  await files.close();
}
