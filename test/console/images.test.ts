/**
 * The images side of the console in a real Chromium against a real `kiln serve`: import
 * from a URL with live progress (server-sent events) to Available, copy to another region,
 * share, publish, rename to markup that must stay text, delete with the confirmation that
 * names the image; and a second account that sees nothing of the first.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ConsoleHarness, screenshot, type ConsoleTab, type KeyPair } from '../support/console-browser.ts';
import { patternBytes } from '../support/disk-images.ts';
import { FileServer } from '../support/file-server.ts';

const MiB = 1024 * 1024;
const LONG = { timeout: 120_000 };

let h: ConsoleHarness;
let files: FileServer;
let dir: string;
let admin: ConsoleTab;
let bobKeys: KeyPair;
let diskUrl: string;

before(async () => {
  files = new FileServer();
  await files.start();
  dir = await mkdtemp(join(tmpdir(), 'kiln-console-'));
  const disk = join(dir, 'disk.raw');
  await writeFile(disk, patternBytes(7, 6 * MiB));
  // Held halfway until released: the page must show an import in progress first.
  diskUrl = files.serve('disk.raw', disk, { ranges: false, hold: true });
  h = await ConsoleHarness.start({
    KILN_REGIONS: 'cn-bj2:cn-bj2-04;cn-sh2:cn-sh2-02',
    KILN_IMPORT_ALLOW_HOSTS: `127.0.0.1:${files.port}`,
    KILN_JOB_HEARTBEAT_MS: '200',
  });
  bobKeys = await h.newAccount('bob');
  admin = await h.signIn(await h.adminKeys());
});

after(async () => {
  await h?.stop();
  await files?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

let imageId = '';
let copyId = '';

test('import from a URL: the page shows live progress pushed by the server, then Available', async () => {
  const { page } = admin;
  await page.goto('/console/compshare/images');
  await page.getByLabel('Name', { exact: true }).last().fill('pytorch-base');
  await page.getByLabel('URL').fill(diskUrl);
  await page.getByLabel('Format').selectOption('raw');
  await page.getByRole('button', { name: 'Import' }).click();
  await page.waitForURL(/\/console\/compshare\/images\/[^/]+$/);
  imageId = decodeURIComponent(page.url().split('/').at(-1) ?? '');
  assert.equal(await page.getByTestId('image-state').textContent(), 'Making');
  // A marker in the page's own JavaScript: it survives only if the page is not reloaded,
  // so progress seen while it is set came over the event stream, not a new page.
  await page.evaluate(() => Object.assign(window, { kilnMarker: 1 }));
  await page
    .getByTestId('progress')
    .locator('[data-progress-text]')
    .filter({ hasText: /MiB of 6\.0 MiB|KiB of 6\.0 MiB/ })
    .waitFor(LONG);
  assert.equal(await page.evaluate(() => 'kilnMarker' in window), true, 'progress arrived without a reload');
  await screenshot(page, 'import-progress');
  files.release('disk.raw');
  // The stream's `done` reloads the page, which now shows the finished image.
  await page.getByTestId('image-state').filter({ hasText: 'Available' }).waitFor(LONG);
  assert.match((await page.getByTestId('download-raw').getAttribute('href')) ?? '', /\/download\?format=raw$/);
  const download = await page.request.get(`/console/compshare/images/${imageId}/download?format=raw`);
  assert.equal(download.status(), 200);
  assert.deepEqual(Buffer.from(await download.body()), patternBytes(7, 6 * MiB));
});

test('an import the API would refuse is refused up front in the same terms, and leaves no image behind', async () => {
  const { page } = admin;
  await page.goto('/console/compshare/images');
  await page.getByLabel('Name', { exact: true }).last().fill('from-metadata');
  // A link-local address (cloud metadata services live there) is never fetched.
  await page.getByLabel('URL').fill('http://169.254.169.254/latest/disk.raw');
  const [answer] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Import' }).click()]);
  assert.equal(answer.status(), 400);
  assert.match((await page.getByRole('alert').textContent()) ?? '', /InvalidParameter/);
  await page.goto('/console/compshare/images?q=from-metadata');
  assert.equal(await page.locator('table.image-list').count(), 0);
});

test('copy to another region: the copy is made and the source shows it among its copies, with its bytes shared', async () => {
  const { page } = admin;
  await page.goto(`/console/compshare/images/${imageId}`);
  await page.getByLabel('Copy to region').selectOption('cn-sh2');
  await page.getByLabel("Copy's name").fill('pytorch-base-sh');
  await page.getByRole('button', { name: 'Copy' }).click();
  await page.waitForURL((u) => !u.pathname.endsWith(imageId));
  copyId = decodeURIComponent(page.url().split('/').at(-1) ?? '');
  await page.getByTestId('image-state').filter({ hasText: 'Available' }).waitFor(LONG);
  assert.equal(await page.getByTestId('image-name').textContent(), 'pytorch-base-sh');
  await page.goto(`/console/compshare/images/${imageId}`);
  const copies = page.locator('table.places');
  assert.match((await copies.textContent()) ?? '', new RegExp(`cn-sh2\\s*${copyId}`));
  assert.match((await page.getByTestId('shared-bytes').textContent()) ?? '', /^6\.0 MiB of 6\.0 MiB/);
  await screenshot(page, 'image-page');
});

test('share with another account and publish to the community, then take both back', async () => {
  const { page } = admin;
  await page.goto(`/console/compshare/images/${imageId}`);
  await page.getByLabel('Share with account').fill('bob');
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  await page.waitForURL(new RegExp(`${imageId}$`));
  assert.match((await page.getByTestId('grants').textContent()) ?? '', /bob/);
  await page.getByRole('button', { name: 'Publish to the community' }).click();
  assert.equal(await page.getByTestId('visibility').textContent(), 'public');
  await page.getByRole('button', { name: 'Withdraw from the community' }).click();
  assert.equal(await page.getByTestId('visibility').textContent(), 'private');
  await page.getByRole('button', { name: 'Unshare' }).click();
  assert.equal(await page.getByTestId('grants').textContent(), 'Nobody.');
});

test('a name written as markup renders as text: no script runs, in the list or on its page', async () => {
  const { page, dialogs } = admin;
  const hostile = '<img src=x onerror=alert(1)>';
  await page.goto(`/console/compshare/images/${copyId}`);
  await page.getByLabel('New name').fill(hostile);
  await page.getByRole('button', { name: 'Rename' }).click();
  await page.waitForURL(new RegExp(`${copyId}$`));
  assert.equal(await page.getByTestId('image-name').textContent(), hostile);
  await page.goto(`/console/compshare/images?q=${encodeURIComponent('onerror')}`);
  assert.equal(await page.locator('table.image-list td.name a').textContent(), hostile);
  assert.equal(await page.locator('main img').count(), 0, 'no element was made from the name');
  assert.equal(dialogs.length, 0, 'no dialog fired');
});

test("a second account sees nothing of the first: its list is empty and the first one's ids answer as missing ones do", async () => {
  const bob = await h.signIn(bobKeys);
  await bob.page.goto('/console/compshare/images');
  assert.equal(await bob.page.locator('table.image-list').count(), 0);
  const theirs = await bob.page.request.get(`/console/compshare/images/${copyId}`);
  const missing = await bob.page.request.get('/console/compshare/images/uimage-doesnotexist');
  assert.equal(theirs.status(), 404);
  assert.equal(missing.status(), 404);
  const codeOf = async (r: typeof theirs) => /class="code">([A-Za-z]+)</.exec(await r.text())?.[1];
  assert.equal(await codeOf(theirs), 'ImageNotFound');
  assert.equal(await codeOf(missing), 'ImageNotFound');
  for (const path of ['events', 'download?format=raw', 'delete']) {
    const r = await bob.page.request.get(`/console/compshare/images/${copyId}/${path}`);
    assert.equal(r.status(), 404, path);
  }
  // A change aimed at it is refused the same way, and changes nothing.
  const rename = await bob.page.request.post(`/console/compshare/images/${copyId}/rename`, {
    form: { name: 'stolen', _csrf: await csrfOf(bob) },
    maxRedirects: 0,
  });
  assert.equal(rename.status(), 404);
  await bob.context.close();
});

test("delete asks for the image's name: a wrong one deletes nothing, the right one deletes it", async () => {
  const { page } = admin;
  await page.goto(`/console/compshare/images/${imageId}`);
  await page.getByRole('link', { name: 'Delete this image…' }).click();
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Delete pytorch-base?');
  await page.getByLabel("Type the image's name to confirm").fill('pytorch');
  await page.getByRole('button', { name: 'Delete pytorch-base' }).click();
  assert.match((await page.getByRole('alert').textContent()) ?? '', /InvalidParameter.*nothing was deleted/s);
  await page.goto(`/console/compshare/images/${imageId}/delete`);
  await page.getByLabel("Type the image's name to confirm").fill('pytorch-base');
  await page.getByRole('button', { name: 'Delete pytorch-base' }).click();
  await page.waitForURL(/\/console\/compshare\/images$/);
  assert.equal(await page.locator(`tr[data-image-id="${imageId}"]`).count(), 0);
  assert.equal((await page.request.get(`/console/compshare/images/${imageId}`)).status(), 404);
  await screenshot(page, 'image-list');
});

/** The session's CSRF token, as the page's forms carry it. */
async function csrfOf(tab: ConsoleTab): Promise<string> {
  return (await tab.page.locator('input[name="_csrf"]').first().getAttribute('value')) ?? '';
}
