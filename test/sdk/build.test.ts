/**
 * The SDK builds to plain ESM with type declarations (`npm run build -w kiln-images-sdk`), uses
 * no Node-only module (it is for browsers too: fetch and WebCrypto only) except in the
 * file reader that uploadImage loads on demand for a path, and the built files run under
 * plain Node without tsx.
 */
// stack-neutral: the SDK's build output and its imports; no server, no store
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

const NODE_ONLY = join('upload', 'node-file-source.js');

test('the SDK builds, imports no node: module outside its on-demand file reader, and runs without tsx', async () => {
  const out = await mkdtemp(join(tmpdir(), 'kiln-sdk-build-'));
  await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'packages/sdk/tsconfig.build.json'), '--outDir', out]);
  const all = await readdir(out, { recursive: true });
  assert.ok(all.includes('index.js') && all.includes('index.d.ts') && all.includes(join('generated', 'uhost.d.ts')), all.join(' '));
  const files = all.filter((f) => f.endsWith('.js'));
  assert.ok(files.includes(NODE_ONLY), all.join(' '));
  for (const f of files) {
    const text = await readFile(join(out, f), 'utf8');
    if (f !== NODE_ONLY) assert.doesNotMatch(text, /from ['"]node:|require\(/, `${f} uses a Node-only module`);
    // Only a dynamic import may reach it, so a browser bundle never loads it.
    assert.doesNotMatch(text, /(from|import) ['"][^'"]*node-file-source/, `${f} imports the Node file reader statically`);
  }
  const probe = `import { UHostClient, signUCloud, webCryptoHashing } from ${JSON.stringify(join(out, 'index.js'))};
const sig = await signUCloud({ Action: 'DescribeUHostInstance', Region: 'cn-bj2', Limit: '10', PublicKey: 'ucloudsomeone@example.com1296235120854146120' }, '46f09bb9fab4f12dfc160dae12273d5332b5debe', webCryptoHashing);
process.stdout.write(sig + ' ' + typeof new UHostClient({ endpoint: 'http://x', publicKey: 'a', privateKey: 'b' }).describeImage);`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe]);
  assert.equal(stdout, 'cba5cf5ec4d4233d206b1b54951e3787350a642f function');
});
