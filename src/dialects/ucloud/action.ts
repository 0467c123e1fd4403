import type { Static, TObject, TProperties } from '@sinclair/typebox';
import type { KilnServices } from '../../core/services.ts';
import type { ErrorCode } from '../../core/errors.ts';
import type { Principal } from '../../core/model.ts';
import type { Product } from '../../core/products.ts';
import { isReadOnlyName, type ActionInfo } from '../schema/action-info.ts';
import { objectSchema } from '../schema/object-schema.ts';
import type { FlatParams } from './protocol/flat-params.ts';
import { parseParams, type Infer } from './protocol/param-schema.ts';

export interface UCloudActionContext {
  services: KilnServices;
  principal: Principal;
  accountName: string;
}

/** One UCloud action as the dispatcher runs it: decode the flat map with its schema, then handle. */
export interface UCloudAction extends ActionInfo {
  run(ctx: UCloudActionContext, flat: Readonly<FlatParams>): Promise<object>;
}

/** One UCloud action as declared: its schemas, the errors it may raise, and a handler typed by them. */
export interface UCloudActionDef<P extends TProperties, R extends TProperties> {
  name: string;
  product: Product;
  summary: string;
  params: P;
  answer: R;
  errors: readonly ErrorCode[];
  readOnly?: boolean;
  handle(ctx: UCloudActionContext, params: Infer<P>): Promise<Static<TObject<R>>>;
}

export function defineAction<P extends TProperties, R extends TProperties>(def: UCloudActionDef<P, R>): UCloudAction {
  const request = objectSchema(def.params);
  return {
    name: def.name,
    product: def.product,
    summary: def.summary,
    request,
    response: objectSchema(def.answer),
    errors: def.errors,
    readOnly: def.readOnly ?? isReadOnlyName(def.name),
    run: (ctx, flat) => def.handle(ctx, parseParams(request, flat)),
  };
}
