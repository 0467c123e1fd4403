/**
 * The console's browser upload in a real Chromium against a real `kiln serve`: a qcow2 made
 * by qemu-img goes up from the page through the tus endpoint (several PATCHes, the format
 * left to detection), the image page reaches Available, and the disk downloaded back is the
 * source byte for byte. The endpoint refuses the session cookie without its CSRF header,
 * or from another origin.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ConsoleHarness, type ConsoleTab } from '../support/console-browser.ts';
import { patternBytes, qemuImg } from '../support/disk-images.ts';

const MiB = 1024 * 1024;
const LONG = { timeout: 120_000 };
// Not a multiple of the script's 4 MiB PATCH: the last one is short.
const SIZE = 10 * MiB + 4096;

let h: ConsoleHarness;
let dir: string;
let admin: ConsoleTab;
let qcow2: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-console-upload-'));
  const raw = join(dir, 'disk.raw');
  await writeFile(raw, patternBytes(11, SIZE));
  qcow2 = join(dir, 'disk.qcow2');
  await qemuImg('convert', '-f', 'raw', '-O', 'qcow2', raw, qcow2);
  h = await ConsoleHarness.start();
  admin = await h.signIn(await h.adminKeys());
});

after(async () => {
  await h?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('upload a small disk file from the page: a failed PATCH is resumed, it reaches Available and downloads back byte-exact', async () => {
  const { page } = admin;
  await page.goto('/console/uhost/images');
  // The second PATCH fails in the network once: the script must ask the server with a HEAD and go on.
  const methods: string[] = [];
  let patches = 0;
  await page.route('**/console/uploads/*', async (route) => {
    const method = route.request().method();
    methods.push(method);
    if (method === 'PATCH' && ++patches === 2) return route.abort('connectionreset');
    return route.continue();
  });
  const form = page.getByTestId('upload-form');
  await form.getByLabel('Disk file').setInputFiles(qcow2);
  await form.getByLabel("New image's name").fill('uploaded-from-page');
  await form.getByRole('button', { name: 'Upload' }).click();
  await page.waitForURL(/\/console\/uhost\/images\/[^/]+$/, LONG);
  const imageId = decodeURIComponent(page.url().split('/').at(-1) ?? '');
  await page.unroute('**/console/uploads/*');
  assert.ok(methods.filter((m) => m === 'PATCH').length >= 4, `several PATCHes, one of them repeated: ${methods.join(' ')}`);
  assert.equal(methods[methods.indexOf('PATCH', methods.indexOf('PATCH') + 1) + 1], 'HEAD', `the failed PATCH is followed by a HEAD: ${methods.join(' ')}`);
  await page.getByTestId('image-state').filter({ hasText: 'Available' }).waitFor(LONG);
  const download = await page.request.get(`/console/uhost/images/${imageId}/download?format=raw`);
  assert.equal(download.status(), 200);
  assert.ok(Buffer.from(await download.body()).equals(patternBytes(11, SIZE)), 'the raw disk downloaded back is the uploaded one');
});

test('the upload endpoint refuses the session cookie without the CSRF header, and from another origin', async () => {
  const { page } = admin;
  await page.goto('/console/uhost/images');
  const csrf = (await page.getByTestId('upload-form').getAttribute('data-csrf-token')) ?? '';
  assert.notEqual(csrf, '');
  const create = (headers: Record<string, string>) =>
    page.request.post('/console/uploads', {
      headers: {
        'Tus-Resumable': '1.0.0',
        'Upload-Length': '512',
        'Upload-Metadata': `product ${b64('uhost')},name ${b64('csrf-probe')},format ${b64('raw')},checksum ${b64(`sha256:${'0'.repeat(64)}`)}`,
        ...headers,
      },
    });
  const noToken = await create({});
  assert.equal(noToken.status(), 403);
  assert.equal(((await noToken.json()) as { code: string }).code, 'PermissionDenied');
  const wrongToken = await create({ 'X-CSRF-Token': 'not-the-token' });
  assert.equal(wrongToken.status(), 403);
  const otherOrigin = await create({ 'X-CSRF-Token': csrf, Origin: 'https://evil.example' });
  assert.equal(otherOrigin.status(), 403);
  // The same request with the token is accepted, so the refusals above were the token's and the origin's.
  const withToken = await create({ 'X-CSRF-Token': csrf });
  assert.equal(withToken.status(), 201);
  const location = withToken.headers().location ?? '';
  assert.match(location, /^\/console\/uploads\//);
  assert.equal((await page.request.delete(location, { headers: { 'Tus-Resumable': '1.0.0', 'X-CSRF-Token': csrf } })).status(), 204);
  // The key-authenticated endpoint is unchanged: the console cookie does not reach /v1/uploads.
  assert.equal((await page.request.post('/v1/uploads', { headers: { 'Tus-Resumable': '1.0.0', 'X-CSRF-Token': csrf } })).status(), 401);
});

function b64(text: string): string {
  return Buffer.from(text).toString('base64');
}
