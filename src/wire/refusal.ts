/**
 * A request refused at the HTTP level (before or outside a dialect's action handling):
 * what was wrong, in words for the caller. Each dialect turns it into its own wire shape
 * (its `renderRefusal`), so no answer on a dialect's URL comes back in Fastify's or Node's
 * own format. Shared by src/http and the dialects, which import nothing of each other.
 */

export type RefusalKind =
  /** The HTTP request itself is malformed (bad request line, bad Content-Length, ...). */
  | 'BadRequest'
  | 'BodyTooLarge'
  | 'UnsupportedMediaType'
  | 'MethodNotAllowed'
  | 'NotFound'
  /** Request line plus headers over Node's limit (a long query string lands here). */
  | 'HeaderTooLarge'
  | 'Timeout'
  /** The server is at its connection cap (connection-cap.ts); a retry shortly may pass. */
  | 'Busy'
  /** A server fault, not the caller's; the only kind logged at error level. */
  | 'Internal';

export interface Refusal {
  kind: RefusalKind;
  message: string;
}

/** The standard HTTP status of each kind, for answers whose dialect uses HTTP statuses. */
export const refusalStatus: Record<RefusalKind, number> = {
  BadRequest: 400,
  BodyTooLarge: 413,
  UnsupportedMediaType: 415,
  MethodNotAllowed: 405,
  NotFound: 404,
  HeaderTooLarge: 431,
  Timeout: 408,
  Busy: 503,
  Internal: 500,
};

/**
 * An answer ready for the wire, usable by a Fastify reply or a raw socket alike. The body
 * is a JSON object, kept as one so that a refusal whose dialect is unknown can carry every
 * dialect's fields at once (refusalForAnyDialect in src/http/dialect-at.ts).
 */
export interface WireAnswer {
  status: number;
  headers: Record<string, string>;
  body: object;
}
