import { ExportError } from '../export/authenticate.ts';

/**
 * tus `Upload-Metadata`: comma-separated pairs of a key and its value in base64, the value
 * optional ("key b64,flag"). Keys are ASCII without spaces or commas and appear once.
 */
export function parseTusMetadata(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (header === undefined || header.trim() === '') return out;
  for (const pair of header.split(',')) {
    const [key, value, extra] = pair.trim().split(' ');
    if (!key || extra !== undefined || !/^[\x21-\x7e]+$/.test(key))
      throw new ExportError(400, 'InvalidParameter', `Upload-Metadata has a malformed pair: ${JSON.stringify(pair.trim())}`);
    if (out.has(key)) throw new ExportError(400, 'InvalidParameter', `Upload-Metadata names ${key} twice`);
    if (value !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw new ExportError(400, 'InvalidParameter', `Upload-Metadata ${key} is not base64`);
    out.set(key, value === undefined ? '' : Buffer.from(value, 'base64').toString('utf8'));
  }
  return out;
}
