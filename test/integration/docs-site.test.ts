/**
 * What a person does with the docs, on a real server: a browser opening the server's
 * root lands on the reference; every page is HTML and every link on every page leads
 * somewhere (page and anchor); the Markdown is still there. And the worked examples in
 * the reference are what this server answers today: the recorded calls are made again
 * and must come back the same (`npm run docs:examples` records them anew).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ucloudActions } from '../../src/dialects/ucloud/actions/index.ts';
import { zecActions } from '../../src/dialects/zenlayer/actions/index.ts';
import { recordedExamples } from '../../src/docs-site/recorded-examples.ts';
import { generatedFiles } from '../../src/generate/outputs.ts';
import { exampleServerEnv, makeExampleCalls } from '../support/docs-examples/example-calls.ts';
import { FileServer } from '../support/file-server.ts';
import { KilnProcess } from '../support/kiln-process.ts';

/** What Firefox sends when a page is opened. */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

let kiln: KilnProcess;
const files = new FileServer();

before(async () => {
  await files.start();
  kiln = await KilnProcess.start(exampleServerEnv(files));
});

after(async () => {
  await kiln?.stop();
  await files.close();
});

test('a browser opening the server lands on the console; the docs stay at /docs/; API calls to / are answered as before', async () => {
  const landing = await fetch(`${kiln.baseUrl}/`, { headers: { accept: BROWSER_ACCEPT }, redirect: 'manual' });
  assert.equal(landing.status, 302);
  assert.equal(landing.headers.get('location'), '/console/');
  const page = await fetch(new URL('/docs/', kiln.baseUrl), { headers: { accept: BROWSER_ACCEPT } });
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(await page.text(), /<h1[^>]*>Kiln API reference<\/h1>/);

  const admin = await kiln.adminClient();
  // The SDKs POST to / (JSON or a form); a signed GET with Action is an API call even from a browser.
  for (const encoding of ['json', 'form'] as const) {
    const r = await admin.call('DescribeImage', { Limit: 1 }, { encoding });
    assert.equal(r.body.RetCode, 0, JSON.stringify(r.body));
  }
  const signed = admin.encode('DescribeImage', { Limit: 1 }, { encoding: 'get' });
  const fromBrowser = await fetch(kiln.baseUrl + signed.path, { headers: { accept: BROWSER_ACCEPT }, redirect: 'manual' });
  assert.equal(fromBrowser.status, 200);
  assert.equal(((await fromBrowser.json()) as { RetCode: number }).RetCode, 0);
  // Without text/html (curl, fetch, the SDKs) an empty GET / is still the dialect's refusal.
  const api = await fetch(`${kiln.baseUrl}/`, { redirect: 'manual' });
  assert.equal(api.status, 200);
  assert.deepEqual(await api.json(), { RetCode: 160, Message: 'Missing Action' });
});

/** Every `href` of a page, entities decoded. */
function links(html: string): string[] {
  return [...html.matchAll(/\shref="([^"]*)"/g)].map((m) =>
    m[1]!
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&'),
  );
}

test('GET /docs is HTML, and every link of every page reached from it resolves, anchors included', async () => {
  const pages = new Map<string, string>();
  const queue = ['/docs', '/docs/'];
  const checked: string[] = [];
  while (queue.length > 0) {
    const path = queue.shift()!;
    if (pages.has(path)) continue;
    const r = await fetch(kiln.baseUrl + path, { headers: { accept: BROWSER_ACCEPT }, redirect: 'manual' });
    assert.equal(r.status, 200, `${path} answered ${r.status}`);
    const type = r.headers.get('content-type') ?? '';
    const text = await r.text();
    pages.set(path, text);
    if (!type.startsWith('text/html')) continue;
    for (const href of links(text)) {
      const url = new URL(href, kiln.baseUrl + path);
      assert.equal(url.origin, kiln.baseUrl, `${path} links off the server: ${href}`);
      checked.push(`${path} -> ${href}`);
      if (!pages.has(url.pathname)) queue.push(url.pathname);
    }
  }
  assert.match(pages.get('/docs')!, /^<!doctype html>/);
  // Anchors: each #fragment names an id on the page it points to.
  for (const link of checked) {
    const [from, href] = link.split(' -> ') as [string, string];
    const url = new URL(href, kiln.baseUrl + from);
    if (url.hash === '') continue;
    const target = pages.get(url.pathname)!;
    assert.ok(target.includes(` id="${decodeURIComponent(url.hash.slice(1))}"`), `${link}: no such anchor on ${url.pathname}`);
  }
  for (const page of ['/docs/concepts.html', '/docs/ucloud.html', '/docs/zenlayer.html', '/docs/ucloud.md', '/docs/README.md']) {
    assert.ok(pages.has(page), `${page} is linked from the docs`);
  }
  for (const a of [...ucloudActions, ...zecActions]) {
    assert.ok(
      checked.some((l) => l.endsWith(`#${a.name.toLowerCase()}`)),
      `no link to ${a.name} in any index`,
    );
  }
});

test('the Markdown stays available: /docs/*.md and Accept: text/markdown', async () => {
  const files = generatedFiles();
  for (const page of ['README.md', 'concepts.md', 'ucloud.md', 'zenlayer.md']) {
    const r = await fetch(`${kiln.baseUrl}/docs/${page}`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/markdown/);
    assert.equal(await r.text(), files[`docs/${page}`]);
  }
  const index = await fetch(`${kiln.baseUrl}/docs`, { headers: { accept: 'text/markdown' } });
  assert.match(index.headers.get('content-type') ?? '', /^text\/markdown/);
  assert.equal(await index.text(), files['docs/README.md']);
  assert.equal((await fetch(`${kiln.baseUrl}/docs/nothing.html`)).status, 404);
});

test('the concepts page explains products, images, chunks, regions and copies, and jobs', async () => {
  const html = await (await fetch(`${kiln.baseUrl}/docs/concepts.html`)).text();
  for (const section of ['Products', 'Images', 'Chunks', 'Regions and copies', 'Jobs']) assert.match(html, new RegExp(`<h2 id="[^"]+">${section}</h2>`));
});

test("each action's section shows a worked request and its answer", async () => {
  for (const [page, actions] of [
    ['/docs/ucloud.html', ucloudActions],
    ['/docs/zenlayer.html', zecActions],
  ] as const) {
    const html = await (await fetch(kiln.baseUrl + page)).text();
    for (const a of actions) {
      const start = html.indexOf(`<h3 id="${a.name.toLowerCase()}">${a.name}</h3>`);
      assert.ok(start >= 0, `${a.name} has no section on ${page}`);
      const end = html.indexOf('<h3', start + 1);
      const section = html.slice(start, end < 0 ? undefined : end);
      assert.match(section, /<pre><code class="language-http">POST \//, `${a.name}: no worked request`);
      assert.match(section, /<pre><code class="language-json">\{/, `${a.name}: no worked answer`);
    }
  }
});

test('the worked examples are what the server answers now (re-record with `npm run docs:examples`)', async () => {
  const now = await makeExampleCalls(kiln, files);
  const key = (e: { product: string; action: string }) => `${e.product} ${e.action}`;
  assert.deepEqual(now.map(key), recordedExamples.map(key), 'the example calls changed: run `npm run docs:examples`');
  for (const [i, e] of now.entries()) {
    assert.deepEqual(
      e,
      recordedExamples[i],
      `${key(e)}: the answer differs from the recorded example: run \`npm run docs:examples\` (and check the change is meant)`,
    );
  }
});
