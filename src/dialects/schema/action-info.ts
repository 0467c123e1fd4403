import type { TSchema } from '@sinclair/typebox';
import type { ErrorCode } from '../../core/errors.ts';
import type { Product } from '../../core/products.ts';

/**
 * What everything derived from an action sees of it, whatever its parameter types: the
 * dispatcher (through each dialect's `run`), the reference docs and the SDK generator.
 */
export interface ActionInfo {
  name: string;
  product: Product;
  /** One line for the docs and the SDK's method comment. */
  summary: string;
  /** JSON Schema of the parameters a caller sends. */
  request: TSchema;
  /** JSON Schema of the answer's fields (the envelope is the dialect's). */
  response: TSchema;
  /** Core errors the action may raise beyond parameter and authentication problems. */
  errors: readonly ErrorCode[];
  /** Reads only: safe to send again, so clients may retry it after a network error or throttling. */
  readOnly: boolean;
}

/** Describe* and Get* calls read; every other action changes something. */
export function isReadOnlyName(name: string): boolean {
  return /^(Describe|Get)/.test(name);
}
