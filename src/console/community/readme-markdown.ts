import MarkdownIt from 'markdown-it';

/**
 * A community image's readme, written by its author and read by everyone, as HTML that
 * cannot run: raw HTML in the Markdown is written out as text, markdown-it's link check
 * drops javascript:, vbscript:, file: and non-image data: URLs, and every link opens
 * without a referrer or a handle on this page. The console's CSP stands behind this.
 */
const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

const defaultLinkOpen = md.renderer.rules.link_open;
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx];
  if (token) {
    token.attrSet('rel', 'nofollow noopener noreferrer');
    token.attrSet('target', '_blank');
  }
  return defaultLinkOpen ? defaultLinkOpen(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
};

export function renderReadme(markdown: string): string {
  return md.render(markdown);
}

/** The image types a cover may be, by the first characters of their base64 (magic bytes). */
const coverTypes: [string, string][] = [
  ['iVBORw0KGgo', 'png'],
  ['/9j/', 'jpeg'],
  ['R0lGOD', 'gif'],
  ['UklGR', 'webp'],
];

/**
 * A cover the page may show inline, as a data: URL. PublishCompShareImage takes the cover
 * as a base64-encoded picture, so that is what most covers are; one already written as a
 * data: URL is accepted too. Only the picture types above are shown: the type comes from
 * the bytes, never from what the author claimed. A cover at another host is not loaded
 * (it would tell that host who looks at the catalogue, and the CSP blocks it).
 */
export function inlineCover(cover: string): string | undefined {
  const b64 = cover.startsWith('data:') ? /^data:image\/[a-z]+;base64,(.*)$/s.exec(cover)?.[1] : cover;
  if (!b64) return undefined;
  const compact = b64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  const type = coverTypes.find(([magic]) => compact.startsWith(magic))?.[1];
  return type ? `data:image/${type};base64,${compact}` : undefined;
}

/** A cover URL worth linking to: http(s) only. */
export function linkedCover(cover: string): string | undefined {
  return /^https?:\/\//i.test(cover) ? cover : undefined;
}
