/**
 * Constructor checks shared by the clients: a key read from an unset environment variable
 * is `undefined` (or `""` from an empty one), and without these checks the first call
 * fails deep inside signing with a message that names neither the option nor the client.
 */

/** The value of a string option, or a TypeError naming the client, the option and what it holds. */
export function requiredOption(client: string, name: string, value: unknown, what: string): string {
  if (typeof value === 'string' && value.trim() !== '') return value;
  const got =
    value === undefined ? 'it is undefined' : typeof value === 'string' ? 'it is an empty string' : `it is ${value === null ? 'null' : `a ${typeof value}`}`;
  throw new TypeError(`${client}: option ${name} is required (${what}), but ${got}; if it is read from an environment variable, that variable is not set`);
}

/** A service root without trailing slashes; a TypeError if it is not an http(s) URL. */
export function endpointOption(client: string, value: unknown): string {
  const endpoint = requiredOption(client, 'endpoint', value, 'the Kiln server URL, e.g. http://127.0.0.1:8480');
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TypeError(`${client}: option endpoint must be an http:// or https:// URL, not ${JSON.stringify(endpoint)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TypeError(`${client}: option endpoint must be an http:// or https:// URL, not ${JSON.stringify(endpoint)}`);
  return endpoint.replace(/\/+$/, '');
}
