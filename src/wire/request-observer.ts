/**
 * Where a served request is counted: the dialect, the action (`unknown` when none was
 * recognised), the result code in the dialect's own spelling, and when it started. The
 * Prometheus implementation is src/http/metrics.ts; the dialects see only this.
 */
export interface RequestObserver {
  observe(dialect: string, action: string, code: string, startedNs: bigint): void;
}
