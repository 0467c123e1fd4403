/**
 * Whether a database error means the server could not be reached or dropped us (restart,
 * failover, network cut), as opposed to refusing the statement. Only these are worth
 * waiting out; a constraint or syntax error would fail the same way again.
 */
export function isConnectionFailure(e: unknown): boolean {
  for (let err: unknown = e, depth = 0; err instanceof Error && depth < 5; err = err.cause, depth++) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && (networkCodes.has(code) || code.startsWith('08') || shutdownStates.has(code))) return true;
    if (connectionMessages.some((m) => err instanceof Error && err.message.includes(m))) return true;
    // node's dual-stack connect reports ECONNREFUSED for each address in one AggregateError.
    if (err instanceof AggregateError && err.errors.some((x) => isConnectionFailure(x))) return true;
  }
  return false;
}

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** SQLSTATE 57P01-57P03: the server is shutting down, crashed, or not yet accepting connections. */
const shutdownStates = new Set(['57P01', '57P02', '57P03']);
/** node-postgres raises these as plain Errors without a code. */
const connectionMessages = ['Connection terminated', 'connection error and is not queryable', 'Client was closed and is not queryable'];
