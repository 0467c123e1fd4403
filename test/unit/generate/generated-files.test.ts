import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { generatedFiles } from '../../../src/generate/outputs.ts';
import { supportedActionsBlock, withSupportedActions } from '../../../src/generate/readme-block.ts';
import { ucloudActions } from '../../../src/dialects/ucloud/actions/index.ts';
import { zecActions } from '../../../src/dialects/zenlayer/actions/index.ts';

const root = resolve(import.meta.dirname, '../../..');

test('every generated file in the repository matches the registries (run `npm run docs` if not)', async () => {
  for (const [path, expected] of Object.entries(generatedFiles())) {
    const actual = await readFile(resolve(root, path), 'utf8').catch(() => '(missing)');
    assert.ok(actual === expected, `${path} is stale: run \`npm run docs\` and commit the result`);
  }
});

test("README's supported-actions block matches the registries", async () => {
  const readme = await readFile(resolve(root, 'README.md'), 'utf8');
  assert.ok(readme.includes(supportedActionsBlock()), 'README.md supported-actions block is stale: run `npm run docs`');
  assert.equal(withSupportedActions(readme), readme);
});

test('every action is documented with its parameters, answer and errors', () => {
  const files = generatedFiles();
  for (const [page, actions] of [
    ['docs/ucloud.md', ucloudActions],
    ['docs/zenlayer.md', zecActions],
  ] as const) {
    const text = files[page]!;
    for (const a of actions) {
      const section = text.slice(text.indexOf(`### ${a.name}\n`));
      assert.ok(section.length > 0, `${a.name} missing from ${page}`);
      assert.match(section, /Answer:/);
      assert.match(section, /Errors:/);
    }
  }
  // Limits come from the schema: a spot check of each dialect.
  assert.match(files['docs/ucloud.md']!, /\| `Limit` \| integer \| {2}\| 0\.\.1000, default `20` \|/);
  assert.match(files['docs/ucloud.md']!, /\| `Disks\.N\.Size` \| integer \| yes \| 1\.\.32000 \|/);
  assert.match(files['docs/zenlayer.md']!, /\| `imageName` \| string \| yes \| must be 2-63 letters/);
});
