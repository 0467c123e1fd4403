import type { IncomingMessage } from 'node:http';

/**
 * Lets one request's body take as long as it needs, while a stall still ends it. The API
 * holds every request to KILN_HTTP_REQUEST_TIMEOUT_MS (its bodies are small), which Node
 * enforces per connection from its list of parsers; an upload's PATCH may stream gigabytes,
 * so its connection leaves that list (the parser's own `remove`, what Node itself does for
 * an upgraded connection) and is bounded instead by an idle timeout: no byte for
 * `idleMs` and the socket is closed. Callers answer with `Connection: close`, so the
 * connection never carries another request without the usual timeouts.
 */
export function exemptFromRequestTimeout(req: IncomingMessage, idleMs: number): void {
  const parser: unknown = Reflect.get(req.socket, 'parser');
  if (typeof parser === 'object' && parser !== null && 'remove' in parser && typeof parser.remove === 'function') parser.remove();
  req.socket.setTimeout(idleMs);
}
