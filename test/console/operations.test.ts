/**
 * The console's instance, community and operator pages in a real Chromium against a real
 * `kiln serve`: create an instance from an image, stop it and capture an image from it;
 * a community entry whose name and readme try to run script renders inert; a non-admin is
 * kept out of the operator pages; the operator sees a running import's progress pushed to
 * the page, and its end.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ConsoleHarness, screenshot, type ConsoleTab, type KeyPair } from '../support/console-browser.ts';
import { addCompShareBase, ok } from '../support/compshare-flow.ts';
import { writeSparseDisk } from '../support/disk-files.ts';
import { FileServer } from '../support/file-server.ts';
import { waitFor } from '../support/kiln-process.ts';
import { UCloudTestClient } from '../support/ucloud-client.ts';

const MiB = 1024 * 1024;
const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const HOSTILE_NAME = '<img src=x onerror=alert(1)>';

let h: ConsoleHarness;
let files: FileServer;
let dir: string;
let baseImageId: string;
let user: KeyPair;
let capturedImageId = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-console-ops-'));
  files = new FileServer();
  await files.start();
  h = await ConsoleHarness.start({ KILN_IMPORT_ALLOW_HOSTS: `127.0.0.1:${files.port}`, KILN_JOB_HEARTBEAT_MS: '200' });
  const base = join(dir, 'base.raw');
  await writeSparseDisk(base, 8 * MiB, [{ offset: 0, length: 64 * 1024, seed: 1 }]);
  baseImageId = await addCompShareBase(h.kiln, base, 'ops-base');
  user = await h.newAccount('ops-user');
});

after(async () => {
  await h?.stop();
  await files?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Reloads until the element shows `text` (pages without script show what they were rendered with). */
async function reloadUntil(tab: ConsoleTab, testId: string, text: string): Promise<void> {
  await waitFor(`${testId} to read ${text}`, async () => {
    await tab.page.reload();
    return (await tab.page.getByTestId(testId).textContent())?.trim() === text ? true : undefined;
  });
}

test('create an instance from an image, stop it, capture an image from it: the image becomes Available', async () => {
  const tab = await h.signIn(user);
  await tab.page.getByRole('navigation', { name: 'Product' }).getByRole('link', { name: 'CompShare' }).click();
  await tab.page.getByRole('navigation', { name: 'Section' }).getByRole('link', { name: 'Instances' }).click();
  await tab.page.waitForURL(/\/console\/compshare\/instances$/);
  await tab.page.getByLabel('Name', { exact: true }).fill('web-1');
  await tab.page.getByLabel('Image').selectOption(baseImageId);
  await tab.page.getByRole('button', { name: 'Create instance' }).click();
  await tab.page.waitForURL(/\/console\/compshare\/instances\/[^/]+$/);
  const instanceId = decodeURIComponent(tab.page.url().split('/').pop() ?? '');
  await reloadUntil(tab, 'instance-state', 'running');

  await tab.page.getByRole('button', { name: 'Stop' }).click();
  await reloadUntil(tab, 'instance-state', 'stopped');
  await screenshot(tab.page, 'instance');
  await tab.page.getByLabel('Image name').fill(HOSTILE_NAME);
  await tab.page.getByRole('button', { name: 'Capture image' }).click();
  await tab.page.waitForURL(/\/console\/compshare\/images\?q=/);
  const row = tab.page.locator('tr[data-image-id]').filter({ hasText: HOSTILE_NAME });
  await waitFor('the captured image to be Available', async () => {
    await tab.page.reload();
    return (await row.locator('.state').textContent())?.trim() === 'Available' ? true : undefined;
  });
  capturedImageId = (await row.getAttribute('data-image-id')) ?? '';
  assert.match(capturedImageId, /\S/);

  // Terminating asks for the instance's id: a wrong one is refused and ends nothing.
  await tab.page.goto(`/console/compshare/instances/${encodeURIComponent(instanceId)}`);
  await tab.page.getByLabel(/to confirm/).fill('not-it');
  const [refused] = await Promise.all([
    tab.page.waitForResponse((r) => r.request().method() === 'POST'),
    tab.page.getByRole('button', { name: 'Terminate' }).click(),
  ]);
  assert.equal(refused.status(), 400);
  await tab.page.goto(`/console/compshare/instances/${encodeURIComponent(instanceId)}`);
  await tab.page.getByLabel(/to confirm/).fill(instanceId);
  await tab.page.getByRole('button', { name: 'Terminate' }).click();
  await tab.page.waitForURL(/\/console\/compshare\/instances$/);
  assert.equal(await tab.page.locator(`tr[data-instance-id="${instanceId}"]`).count(), 0);

  // A second account opens the instance's page by its id: it answers as a missing one.
  const other = await h.signIn(await h.newAccount('ops-other'));
  const res = await other.page.goto(`/console/compshare/instances/${encodeURIComponent(instanceId)}`);
  assert.equal(res?.status(), 404);
  assert.match((await other.page.getByRole('alert').textContent()) ?? '', /InstanceNotFound/);
  assert.deepEqual([...tab.dialogs, ...other.dialogs], []);
  await other.context.close();
  await tab.context.close();
});

test('a community image whose name and readme carry script renders inert for another account', async () => {
  assert.ok(capturedImageId, 'the capture test made the image');
  const api = new UCloudTestClient({ baseUrl: h.baseUrl, publicKey: user.publicKey, privateKey: user.privateKey, region: 'cn-bj2' });
  const readme = [
    '# Hello',
    '<script>alert(1)</script>',
    '<img src=x onerror="alert(2)">',
    '[click me](javascript:alert(3))',
    '[docs](https://example.com/docs)',
  ].join('\n\n');
  await ok(api, 'PublishCompShareImage', {
    CompShareImageId: capturedImageId,
    Price: 0,
    Readme: readme,
    Cover: PNG_1PX,
    Softwares: { Framework: 'PyTorch', FrameworkVersion: '2.4', CUDAVersion: '12.4' },
  });

  const tab = await h.signIn(await h.adminKeys());
  await tab.page.goto('/console/compshare/community');
  const card = tab.page.locator(`li.card[data-image-id="${capturedImageId}"]`);
  assert.equal((await card.getByRole('link').textContent())?.trim(), HOSTILE_NAME, 'the name is text');
  assert.match((await card.locator('.author').textContent()) ?? '', /ops-user/);
  assert.match((await card.locator('.softwares').textContent()) ?? '', /PyTorch 2\.4[\s\S]*12\.4/);
  // The cover is sent as base64 (as the vendor's page says) and shown from the data itself.
  assert.match((await card.locator('img.cover').getAttribute('src')) ?? '', /^data:image\/png;base64,iVBOR/);
  await screenshot(tab.page, 'community');
  await card.getByRole('link').click();
  const readmeEl = tab.page.getByTestId('readme');
  await readmeEl.waitFor();
  assert.equal(await readmeEl.getByRole('heading', { name: 'Hello' }).count(), 1, 'Markdown is rendered');
  assert.equal(await tab.page.locator('[data-testid=readme] script, [data-testid=readme] img, img[src=x]').count(), 0, 'no element the author wrote');
  assert.match((await readmeEl.textContent()) ?? '', /<script>alert\(1\)<\/script>/, 'raw HTML shows as text');
  const hrefs = await readmeEl.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(hrefs, ['https://example.com/docs'], 'the javascript: link is not a link');
  assert.equal(await readmeEl.locator('a').getAttribute('rel'), 'nofollow noopener noreferrer');
  assert.deepEqual(tab.dialogs, [], 'no script ran');
  await tab.context.close();
});

test('a non-admin is refused the operator pages; the operator sees a running import progress live, then its end', async () => {
  const plain = await h.signIn(user);
  assert.equal(await plain.page.getByRole('link', { name: 'Operator' }).count(), 0);
  for (const path of ['/console/operator/accounts', '/console/operator/jobs', '/console/operator/nodes']) {
    const res = await plain.page.goto(path);
    assert.equal(res?.status(), 403, path);
    assert.match((await plain.page.getByRole('alert').textContent()) ?? '', /PermissionDenied/);
  }
  const revoke = await plain.page.request.post('/console/operator/keys/revoke', {
    form: { publicKey: user.publicKey },
    headers: { 'x-csrf-token': (await plain.page.locator('input[name=_csrf]').first().getAttribute('value')) ?? '' },
    maxRedirects: 0,
  });
  assert.equal(revoke.status(), 403, 'a non-admin revokes nothing, even with a valid CSRF token');
  await plain.context.close();

  // An import held halfway through its download: a job running with progress.
  const src = join(dir, 'held.raw');
  await writeSparseDisk(src, 4 * MiB, [{ offset: 0, length: 4 * MiB, seed: 7 }]);
  const url = files.serve('held.raw', src, { ranges: false, hold: true });
  const admin = await h.kiln.adminClient();
  const imported = await ok(admin, 'ImportCustomImage', { ImageName: 'held', UFileUrl: url, OsType: 'Linux', OsName: 'Linux', Format: 'RAW', Auth: true });
  const imageId = imported.ImageId as string;

  const tab = await h.signIn(await h.adminKeys());
  await tab.page.getByRole('link', { name: 'Operator' }).click();
  await tab.page.getByRole('navigation', { name: 'Operator' }).getByRole('link', { name: 'Job queue' }).click();
  const row = tab.page.locator('section[data-lane=import] table.running tr[data-job-id]').filter({ hasText: imageId });
  await waitFor('the import to show bytes done on the job page', async () => {
    await tab.page.reload();
    const text = (await row.locator('[data-progress-text]').textContent({ timeout: 1000 })) ?? '';
    return /[1-9][\d.]* (KiB|MiB)/.test(text) ? text : undefined;
  });
  await screenshot(tab.page, 'operator-jobs');
  // The page now listens; the end of the job is pushed to it without a reload.
  files.release('held.raw');
  await row.locator('[data-progress-state]').filter({ hasText: 'succeeded' }).waitFor({ timeout: 60_000 });

  // A garbage-collection run leaves a record with a storage sample, charted on the storage page.
  await h.kiln.cli(['gc']);
  await tab.page.getByRole('navigation', { name: 'Operator' }).getByRole('link', { name: 'Storage' }).click();
  assert.equal(await tab.page.locator('tr[data-gc-run]').count(), 1);
  assert.equal(await tab.page.locator('svg.storage-chart polyline.stored').count(), 1);
  // The captured image shares every chunk with the base image it was deployed from.
  const ratio = Number.parseFloat((await tab.page.getByTestId('dedup-ratio').textContent()) ?? '');
  assert.ok(ratio > 1, `dedup ratio ${ratio} should show the shared chunks`);
  await screenshot(tab.page, 'operator-storage');

  await tab.page.getByRole('navigation', { name: 'Operator' }).getByRole('link', { name: 'Nodes' }).click();
  assert.equal(await tab.page.locator('tr[data-node] td.live').count(), 1, 'the one node of kiln serve is live');
  await tab.page.getByRole('navigation', { name: 'Operator' }).getByRole('link', { name: 'Accounts' }).click();
  await tab.page.getByRole('button', { name: 'Add a key to ops-user' }).click();
  const newKey = (await tab.page.getByTestId('new-public-key').textContent())?.trim() ?? '';
  await tab.page.getByRole('button', { name: `Revoke ${newKey}` }).click();
  await tab.page.waitForURL(/\/console\/operator\/accounts$/);
  assert.equal(await tab.page.getByText(newKey).count(), 0, 'the revoked key is gone');
  assert.deepEqual(tab.dialogs, []);
  await tab.context.close();
});
