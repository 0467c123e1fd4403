import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asksForHtml, prefersMarkdown } from '../../../src/docs-site/accept.ts';
import { docsSite } from '../../../src/docs-site/docs-site.ts';
import { headingSlug, markdownRenderer } from '../../../src/docs-site/markdown-html.ts';

test("headings get GitHub's anchors, so the Markdown's #links work in the HTML", () => {
  assert.equal(headingSlug('CreateCustomImage'), 'createcustomimage');
  assert.equal(headingSlug('GET /v1/images/progress'), 'get-v1imagesprogress');
  assert.equal(headingSlug("Kiln's own image endpoints"), 'kilns-own-image-endpoints');
  const render = markdownRenderer(() => undefined);
  assert.match(render('# Title\n\n## Same\n\n## Same\n').html, /<h2 id="same">Same<\/h2>\n<h2 id="same-1">Same<\/h2>/);
});

test('links to other pages lead to their HTML; raw HTML and generator comments do not reach the page', () => {
  const render = markdownRenderer((file) => (file === 'ucloud.md' ? '/docs/ucloud.html' : undefined));
  const { html, title } = render('# Ref\n\n<!-- Generated; do not edit. -->\n\n[a](ucloud.md#uhost) [b](other.md) [c](#local) <script>x</script>\n');
  assert.equal(title, 'Ref');
  assert.match(html, /href="\/docs\/ucloud.html#uhost"/);
  assert.match(html, /href="other.md"/, 'a page that is not served is left as written');
  assert.match(html, /href="#local"/);
  assert.doesNotMatch(html, /<script>|Generated; do not edit/);
});

test('the site has an HTML and a Markdown URL for every generated docs page, the index at /docs/', () => {
  const site = docsSite({ 'docs/README.md': '# Index\n\n[C](concepts.md)\n', 'docs/concepts.md': '# Concepts\n', 'packages/x.ts': '' });
  assert.deepEqual(
    site.map((p) => [p.htmlUrl, p.markdownUrl, p.title]),
    [
      ['/docs/', '/docs/README.md', 'Index'],
      ['/docs/concepts.html', '/docs/concepts.md', 'Concepts'],
    ],
  );
  assert.match(site[0]!.html, /<a href="\/docs\/concepts.html">C<\/a>/);
  assert.match(site[1]!.html, /<a href="\/docs\/concepts.html" aria-current="page">Concepts<\/a>/);
});

test('content negotiation: browsers and */* get HTML, text/markdown asked for gets Markdown', () => {
  const firefox = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
  assert.equal(prefersMarkdown(firefox), false);
  assert.equal(prefersMarkdown('*/*'), false);
  assert.equal(prefersMarkdown(undefined), false);
  assert.equal(prefersMarkdown('text/markdown'), true);
  assert.equal(prefersMarkdown('text/markdown, text/html;q=0.5'), true);
  assert.equal(prefersMarkdown('text/html, text/markdown;q=0.5'), false);
  assert.equal(asksForHtml(firefox), true);
  assert.equal(asksForHtml('*/*'), false);
  assert.equal(asksForHtml('application/json'), false);
  assert.equal(asksForHtml('text/html;q=0'), false);
});
