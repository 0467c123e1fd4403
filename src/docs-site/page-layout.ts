/** The frame around a rendered reference page: title, navigation, a link to its Markdown, and a stylesheet that keeps wide tables readable. */

export interface PageLayout {
  title: string;
  /** Rendered Markdown (trusted: markdown-it with raw HTML off). */
  body: string;
  nav: Array<{ url: string; title: string }>;
  /** The nav entry of this page. */
  current: string;
  markdownUrl: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const style = `
body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: #1f2328; }
nav { padding: .6em 1.5em; background: #f6f8fa; border-bottom: 1px solid #d0d7de; }
nav a { margin-right: 1.2em; color: #0969da; text-decoration: none; }
nav a[aria-current] { font-weight: 600; color: #1f2328; }
nav .source { float: right; margin: 0; }
main { max-width: 72em; padding: 0 1.5em 3em; }
h1, h2, h3 { line-height: 1.25; }
h2 { border-bottom: 1px solid #d0d7de; padding-bottom: .3em; margin-top: 2em; }
h3 { margin-top: 2em; }
table { border-collapse: collapse; display: block; overflow-x: auto; margin: .5em 0 1em; }
th, td { border: 1px solid #d0d7de; padding: .3em .6em; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
code { font: 13px/1.45 ui-monospace, monospace; background: #eff1f3; padding: .1em .3em; border-radius: 4px; }
pre { background: #f6f8fa; padding: .8em 1em; overflow-x: auto; border-radius: 6px; }
pre code { background: none; padding: 0; }
`;

export function htmlPage(p: PageLayout): string {
  const links = p.nav.map((n) => `<a href="${escapeHtml(n.url)}"${n.url === p.current ? ' aria-current="page"' : ''}>${escapeHtml(n.title)}</a>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(p.title)} · Kiln</title>
<style>${style}</style>
</head>
<body>
<nav>${links}<a class="source" href="${escapeHtml(p.markdownUrl)}">Markdown</a></nav>
<main>
${p.body}</main>
</body>
</html>
`;
}
