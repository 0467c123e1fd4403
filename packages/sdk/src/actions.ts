/** How a client knows its actions: request and answer types, and which calls only read. */

export type ActionTypes<A> = { [K in keyof A]: { request: object; response: object } };

export interface ActionMeta {
  /** Safe to send again: retried after network errors and throttling. */
  readOnly: boolean;
}

export interface CallOptions {
  signal?: AbortSignal;
}
