import type { Static, TObject, TProperties } from '@sinclair/typebox';
import type { KilnServices } from '../../core/services.ts';
import type { ErrorCode } from '../../core/errors.ts';
import type { Principal } from '../../core/model.ts';
import { isReadOnlyName, type ActionInfo } from '../schema/action-info.ts';
import { objectSchema } from '../schema/object-schema.ts';
import { parseZcParams, type Infer } from './protocol/params.ts';

export interface ZecActionContext {
  services: KilnServices;
  principal: Principal;
  accountName: string;
}

/** One ZEC action as the dispatcher runs it: decode the JSON body with its schema, then handle. */
export interface ZecAction extends ActionInfo {
  run(ctx: ZecActionContext, body: Readonly<Record<string, unknown>>): Promise<object>;
}

/** One ZEC action as declared: its schemas, the errors it may raise, and a handler typed by them. */
export interface ZecActionDef<P extends TProperties, R extends TProperties> {
  name: string;
  summary: string;
  params: P;
  answer: R;
  errors: readonly ErrorCode[];
  readOnly?: boolean;
  handle(ctx: ZecActionContext, params: Infer<P>): Promise<Static<TObject<R>>>;
}

export function defineZecAction<P extends TProperties, R extends TProperties>(def: ZecActionDef<P, R>): ZecAction {
  const request = objectSchema(def.params);
  return {
    name: def.name,
    product: 'zec',
    summary: def.summary,
    request,
    response: objectSchema(def.answer),
    errors: def.errors,
    readOnly: def.readOnly ?? isReadOnlyName(def.name),
    run: (ctx, body) => def.handle(ctx, parseZcParams(request, body)),
  };
}
