import type { FastifyInstance, FastifyReply } from 'fastify';
import type { KilnServices } from '../../core/services.ts';
import { isKilnError } from '../../core/errors.ts';
import type { ZecAction } from './action.ts';
import { zecActions } from './actions/index.ts';
import { zecParamFor, zenlayerErrorFor } from './error-map.ts';
import { authenticateZc } from './protocol/authenticate.ts';
import { checkZcRawBody } from './protocol/check-body.ts';
import { decodeZcBody } from './protocol/decode-body.ts';
import { checkZcReplay } from './protocol/replay-check.ts';
import { ZcCode } from './protocol/error-codes.ts';
import { newZcRequestId, zcError, zcSuccess, ZcHttpError } from './protocol/envelope.ts';
import { registerZcRawBody } from './protocol/raw-body.ts';
import type { RequestObserver } from '../../wire/request-observer.ts';

/** Services of Zenlayer Cloud API 2.0 this server answers (`/api/v2/<service>`). */
const SERVED = new Set(['zec']);

/**
 * The Zenlayer endpoint: `POST /api/v2/zec`, the action in `X-ZC-Action`. Check the raw
 * body's type and shape, authenticate over the raw bytes, then decode, validate, call
 * core, encode. Errors are 4xx/5xx with `{requestId, code, message}`; other methods and
 * paths under `/api/v2/` are refused in the same shape through the dialect's description (dialect.ts).
 */
export function zenlayerPlugin(services: KilnServices, metrics: RequestObserver) {
  const actions = new Map<string, ZecAction>(zecActions.map((a) => [a.name, a]));

  return async function plugin(app: FastifyInstance): Promise<void> {
    registerZcRawBody(app);
    app.post<{ Params: { service: string } }>('/api/v2/:service', async (request, reply) => {
      const started = process.hrtime.bigint();
      const requestId = newZcRequestId();
      const headerAction = request.headers['x-zc-action'];
      const action = Array.isArray(headerAction) ? headerAction[0] : headerAction;
      const known = action !== undefined && actions.has(action);
      const send = (status: number, body: object, code: string) => {
        metrics.observe('zenlayer', known ? action : 'unknown', code, started);
        return sendJson(reply, status, body);
      };
      const fail = (e: ZcHttpError) => send(e.status, zcError(requestId, e.code, e.message), e.code);

      try {
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        checkZcRawBody(request.headers['content-type'], raw);
        const caller = await authenticateZc(request.headers, raw, {
          accounts: services.accounts,
          tokens: services.tokens,
          maxSkewSeconds: services.config.zenlayer.maxSkewSeconds,
        });
        // Unknown services and actions are reported only to authenticated callers.
        if (!SERVED.has(request.params.service)) {
          throw new ZcHttpError(404, ZcCode.InvalidAction, `service ${request.params.service} is not served here`);
        }
        if (!action) throw new ZcHttpError(400, ZcCode.MissingParameter, 'missing parameter X-ZC-Action: the action header is required');
        const def = actions.get(action);
        if (!def) throw new ZcHttpError(400, ZcCode.InvalidAction, `action ${action} does not exist`);
        await checkZcReplay(services.replays, caller, def);
        const principal = await services.accounts.principal(caller.accountId, undefined);
        const fields = await def.run({ services, principal, accountName: caller.accountName }, decodeZcBody(raw));
        return send(200, zcSuccess(requestId, fields), 'OK');
      } catch (e) {
        if (e instanceof ZcHttpError) return fail(e);
        if (isKilnError(e)) {
          const { status, code } = zenlayerErrorFor[e.code];
          // Parameter problems name the parameter, as the vendor's messages do.
          const named = e.param !== undefined && (code === ZcCode.MissingParameter || code === ZcCode.InvalidParameterValue);
          return fail(
            new ZcHttpError(
              status,
              code,
              named ? `${code === ZcCode.MissingParameter ? 'missing' : 'invalid'} parameter ${zecParamFor(e.param!)}: ${e.message}` : e.message,
            ),
          );
        }
        request.log.error({ err: e, action, requestId }, 'zenlayer action failed');
        return fail(new ZcHttpError(500, ZcCode.InternalServerError, 'internal error; the requestId identifies it in the server log'));
      }
    });
  };
}

function sendJson(reply: FastifyReply, status: number, body: object): FastifyReply {
  return reply.status(status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
}
