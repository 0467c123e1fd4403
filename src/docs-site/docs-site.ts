/**
 * The reference as a site: every generated docs/*.md page (the same text `npm run docs`
 * writes), as Markdown and as HTML rendered from it. URLs are absolute so a page reads
 * the same at `/docs` and `/docs/`.
 */
import { generatedFiles } from '../generate/outputs.ts';
import { markdownRenderer } from './markdown-html.ts';
import { htmlPage } from './page-layout.ts';

export interface DocsPage {
  /** `/docs/ucloud.md`, `/docs/README.md` */
  markdownUrl: string;
  /** `/docs/ucloud.html`, `/docs/` for README.md */
  htmlUrl: string;
  title: string;
  markdown: string;
  html: string;
}

/** The HTML URL of a docs/ Markdown file name: README.md is the index. */
export function htmlUrlOf(file: string): string {
  return file === 'README.md' ? '/docs/' : `/docs/${file.replace(/\.md$/, '.html')}`;
}

export function docsSite(files: Record<string, string> = generatedFiles()): DocsPage[] {
  const markdown = new Map<string, string>();
  for (const [path, text] of Object.entries(files)) {
    const m = /^docs\/([\w.-]+\.md)$/.exec(path);
    if (m) markdown.set(m[1]!, text);
  }
  const render = markdownRenderer((file) => (markdown.has(file) ? htmlUrlOf(file) : undefined));
  // The index first, then the rest as `npm run docs` lists them: the navigation's order.
  const order = [...markdown.keys()].sort((a, b) => Number(b === 'README.md') - Number(a === 'README.md'));
  const rendered = order.map((file) => ({ file, ...render(markdown.get(file)!) }));
  const nav = rendered.map((p) => ({ url: htmlUrlOf(p.file), title: p.file === 'README.md' ? 'Index' : p.title }));
  return rendered.map((p) => ({
    markdownUrl: `/docs/${p.file}`,
    htmlUrl: htmlUrlOf(p.file),
    title: p.title,
    markdown: markdown.get(p.file)!,
    html: htmlPage({ title: p.title, body: p.html, nav, current: htmlUrlOf(p.file), markdownUrl: `/docs/${p.file}` }),
  }));
}
