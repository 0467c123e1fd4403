/**
 * How a declared parameter's presence shapes its parsed type, shared by every dialect's
 * parameter schema (the wire readers differ; the typing rule does not).
 */
export interface Presence<T> {
  required?: boolean;
  default?: T;
}

/** `required: true` or a default makes the value always present; otherwise it may be undefined. */
export type Out<T, O> = O extends { required: true } ? T : O extends { default: T } ? T : T | undefined;
