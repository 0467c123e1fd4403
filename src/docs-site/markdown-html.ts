/**
 * The generated Markdown as HTML, through markdown-it (CommonMark with GFM tables). Two
 * things a browser needs that the Markdown leaves to GitHub: headings get the ids its
 * `#anchor` links point at (GitHub's slugs, so the same links work in both places), and
 * links to other pages of the reference (`ucloud.md#uhost`) lead to their HTML pages.
 */
import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';

/** GitHub's heading anchor: lower case, punctuation dropped, spaces as hyphens. */
export function headingSlug(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function inlineText(token: Token | undefined): string {
  return (token?.children ?? [])
    .filter((t) => t.type === 'text' || t.type === 'code_inline')
    .map((t) => t.content)
    .join('');
}

export interface RenderedMarkdown {
  html: string;
  /** The text of the first level-1 heading. */
  title: string;
}

/**
 * `pageUrl` maps a Markdown file name linked from a page (`ucloud.md`) to the URL of its
 * HTML page; links it does not know are left as written.
 */
export function markdownRenderer(pageUrl: (file: string) => string | undefined): (markdown: string) => RenderedMarkdown {
  // Raw HTML stays off: the pages carry only generated comments, dropped below, and text
  // from schemas and recorded answers must never become markup.
  const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

  md.core.ruler.push('heading_ids', (state) => {
    const seen = new Map<string, number>();
    state.tokens.forEach((token, i) => {
      if (token.type !== 'heading_open') return;
      const base = headingSlug(inlineText(state.tokens[i + 1]));
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      token.attrSet('id', n === 0 ? base : `${base}-${n}`);
    });
  });

  const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    const token = tokens[idx]!;
    const href = token.attrGet('href') ?? '';
    const m = /^([\w.-]+\.md)(#.*)?$/.exec(href);
    const target = m ? pageUrl(m[1]!) : undefined;
    if (target !== undefined) token.attrSet('href', target + (m?.[2] ?? ''));
    return defaultLinkOpen(tokens, idx, options, env, self);
  };

  return (markdown) => {
    const tokens = md.parse(markdown.replace(/^<!--.*?-->\n/gm, ''), {});
    const h1 = tokens.findIndex((t) => t.type === 'heading_open' && t.tag === 'h1');
    return { html: md.renderer.render(tokens, md.options, {}), title: h1 >= 0 ? inlineText(tokens[h1 + 1]) : '' };
  };
}
