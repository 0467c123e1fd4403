/**
 * A key id as the caller sent it, for an authentication failure's message: it is not a
 * secret, and seeing it is how a caller finds out the SDK was handed the wrong key. It is
 * the caller's own text, so it is quoted and cut short rather than echoed as sent.
 */
const MAX = 64;

export function keyIdText(id: string): string {
  const cut = [...id].length > MAX ? `${[...id].slice(0, MAX).join('')}…` : id;
  // JSON escapes control characters, so a message stays one printable line.
  return JSON.stringify(cut).replace(/[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
