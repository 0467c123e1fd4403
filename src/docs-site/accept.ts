/** Just enough of HTTP content negotiation (RFC 9110 12.5.1) to choose between a page's HTML and its Markdown. */

/** The quality an Accept header gives a media type: the most specific range that matches wins. */
export function acceptQuality(accept: string | undefined, type: string): number {
  if (accept === undefined || accept.trim() === '') return 1;
  const [major] = type.split('/');
  let best = { specificity: -1, q: 0 };
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const specificity = range === type ? 2 : range === `${major}/*` ? 1 : range === '*/*' ? 0 : -1;
    if (specificity <= best.specificity) continue;
    const q = params.find((p) => p.startsWith('q='));
    const value = q === undefined ? 1 : Number(q.slice(2));
    best = { specificity, q: Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0 };
  }
  return best.q;
}

/** Markdown only for a client that asks for it over HTML; browsers, curl and fetch (`*\/*`) get HTML. */
export function prefersMarkdown(accept: string | undefined): boolean {
  return acceptQuality(accept, 'text/markdown') > acceptQuality(accept, 'text/html');
}

/** A browser navigating: it names text/html itself (API clients send `*\/*`, JSON types or nothing). */
export function asksForHtml(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => part.split(';')[0]!.trim().toLowerCase() === 'text/html') && acceptQuality(accept, 'text/html') > 0;
}
