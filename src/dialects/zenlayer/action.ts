import type { KilnServices } from '../../app/services.ts';
import type { Principal } from '../../core/model.ts';
import type { Infer, Schema } from './protocol/params.ts';

export interface ZecActionContext {
  services: KilnServices;
  principal: Principal;
  accountName: string;
}

/** One ZEC action: its JSON parameters and a handler that calls core and shapes the answer. */
export interface ZecAction<S extends Schema = Schema> {
  name: string;
  params: S;
  handle(ctx: ZecActionContext, params: Infer<S>): Promise<object>;
}

export function defineZecAction<S extends Schema>(action: ZecAction<S>): ZecAction<S> {
  return action;
}
