import type { KilnServices } from '../../app/services.ts';
import type { Principal } from '../../core/model.ts';
import type { FlatParams } from './protocol/flat-params.ts';
import type { Infer, Schema } from './protocol/param-schema.ts';

export interface UCloudActionContext {
  services: KilnServices;
  principal: Principal;
  accountName: string;
  /** The flat request, for parameters a schema cannot express (lists of objects). */
  flat: Readonly<FlatParams>;
}

/** One UCloud action: its parameters and a handler that calls core and shapes the answer. */
export interface UCloudAction<S extends Schema = Schema> {
  name: string;
  params: S;
  handle(ctx: UCloudActionContext, params: Infer<S>): Promise<object>;
}

export function defineAction<S extends Schema>(action: UCloudAction<S>): UCloudAction<S> {
  return action;
}
