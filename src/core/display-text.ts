/**
 * Which characters a name, description or URL may not hold, whoever sends it: both
 * dialects' decoders (every string parameter) and the operator CLI (account and base
 * image names) ask this one function.
 *
 * Names end up in other people's terminals, consoles, logs and HTML: a C0/C1 control can
 * drive a terminal (ESC), cut a string short for C code (NUL) or forge a log line (LF),
 * and a bidirectional control makes `exe.txt\u202Egpj` read as something else (Trojan
 * Source, CVE-2021-42574). URLs are refused on the same terms: WHATWG URL parsing drops
 * tabs and newlines silently, so what was checked would not be what is fetched.
 */

/** Bidirectional formatting characters: the embeddings, overrides and isolates, and the marks. */
const BIDI = new Set([0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]);

/** Tab, line feed and carriage return: allowed where the text may span lines. */
const LINE_BREAKS = new Set([0x09, 0x0a, 0x0d]);

export interface ForbiddenCharacter {
  /** The code point, e.g. 0x202e. */
  codePoint: number;
  /** Its position in characters (code points), counting from 0. */
  index: number;
}

function isControl(cp: number): boolean {
  return cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f);
}

/**
 * The first character `text` may not hold, or undefined when it is clean. `multiline`
 * text (descriptions, a Readme) may also hold tabs and line breaks.
 */
export function forbiddenCharacter(text: string, multiline = false): ForbiddenCharacter | undefined {
  let index = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if ((isControl(cp) && !(multiline && LINE_BREAKS.has(cp))) || BIDI.has(cp)) return { codePoint: cp, index };
    index++;
  }
  return undefined;
}

/** `U+202E (a bidirectional control) at character 4`: what a refusal says, without echoing the character. */
export function describeForbidden(f: ForbiddenCharacter): string {
  const hex = f.codePoint.toString(16).toUpperCase().padStart(4, '0');
  const what = BIDI.has(f.codePoint) ? 'a bidirectional control' : 'a control character';
  return `must not contain U+${hex} (${what}) at character ${f.index}`;
}

/** The refusal text for `text`, or undefined when it is clean. */
export function displayTextProblem(text: string, multiline = false): string | undefined {
  const f = forbiddenCharacter(text, multiline);
  return f && describeForbidden(f);
}
