/**
 * `npm run docs`: writes the files generated from the action schemas (reference pages,
 * SDK types) and rewrites the README's supported-actions block.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { generatedFiles } from '../src/generate/outputs.ts';
import { withSupportedActions } from '../src/generate/readme-block.ts';

const root = resolve(import.meta.dirname, '..');

for (const [path, text] of Object.entries(generatedFiles())) {
  await mkdir(dirname(resolve(root, path)), { recursive: true });
  await writeFile(resolve(root, path), text);
  process.stdout.write(`wrote ${path}\n`);
}
const readme = resolve(root, 'README.md');
await writeFile(readme, withSupportedActions(await readFile(readme, 'utf8')));
process.stdout.write('rewrote the supported-actions block of README.md\n');
