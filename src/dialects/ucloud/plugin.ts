import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { KilnServices } from '../../core/services.ts';
import { isKilnError } from '../../core/errors.ts';
import { EncodedBodies } from '../reusable-answer.ts';
import type { UCloudAction } from './action.ts';
import { ucloudActions } from './actions/index.ts';
import { ucloudParamFor, ucloudRetCodeFor } from './error-map.ts';
import { decodeUCloudRequest, UCloudDecodeError } from './protocol/decode-request.ts';
import { ucloudError, ucloudSuccess } from './protocol/envelope.ts';
import { ParamError } from './protocol/param-schema.ts';
import { registerRawBodyParsers, ucloudRequestInput } from './protocol/raw-body.ts';
import { queryAction } from './protocol/refusal.ts';
import { UCloudRetCode, paramErrorMessage } from './protocol/ret-codes.ts';
import { verifyUCloudSignature } from './protocol/signature.ts';
import { keyIdText } from '../key-id-text.ts';
import type { RequestObserver } from '../../wire/request-observer.ts';

/**
 * The UCloud endpoint: one URL, the action named by a parameter. Decode (refusing
 * oversized or unsupported bodies first), authenticate, validate, call core, encode;
 * API-level errors are HTTP 200 with a RetCode. Other methods, and refusals made before
 * this handler runs, get the same shape through the dialect's description (dialect.ts).
 */
export function ucloudPlugin(services: KilnServices, metrics: RequestObserver) {
  const actions = new Map<string, UCloudAction>(ucloudActions.map((a) => [a.name, a]));
  const bodies = new EncodedBodies();

  return async function plugin(app: FastifyInstance): Promise<void> {
    registerRawBodyParsers(app);
    app.route({
      method: ['GET', 'POST'],
      url: '/',
      handler: async (request, reply) => {
        const started = process.hrtime.bigint();
        const requestId = randomUUID();
        let action: string | undefined;
        const send = (body: string, retCode: number) => {
          metrics.observe('ucloud', action && actions.has(action) ? action : 'unknown', String(retCode), started);
          return sendJson(reply, requestId, body);
        };
        const fail = (retCode: number, message: string) => send(JSON.stringify(ucloudError(action, retCode, message)), retCode);

        let flat;
        const input = ucloudRequestInput(request);
        try {
          flat = decodeUCloudRequest(input);
        } catch (e) {
          if (!(e instanceof UCloudDecodeError)) throw e;
          // Nothing was decoded, but an Action in the query still names the answer.
          action = queryAction(input.query);
          return fail(UCloudRetCode.ParamError, e.message);
        }
        action = flat.Action || undefined;
        if (!action) return fail(UCloudRetCode.MissingAction, 'Missing Action');
        if (!flat.Signature) return fail(UCloudRetCode.MissingSignature, 'Missing signature');
        if (!flat.PublicKey) return fail(UCloudRetCode.UserNotFound, paramErrorMessage('PublicKey', 'missing'));
        const owner = await services.accounts.keyOwner(flat.PublicKey);
        if (!owner) return fail(UCloudRetCode.UserNotFound, `User not found: unknown PublicKey ${keyIdText(flat.PublicKey)}`);
        if (!verifyUCloudSignature(flat, owner.privateKey, flat.Signature)) {
          // 172 already told apart unknown keys, so naming this one tells nothing new.
          return fail(
            UCloudRetCode.BadSignature,
            `Signature VerifyAC Error: the signature does not match the request signed with PublicKey ${keyIdText(flat.PublicKey)}`,
          );
        }
        // Unknown actions are reported only to authenticated callers.
        const def = actions.get(action);
        if (!def) return fail(UCloudRetCode.UnknownAction, `Action [${action}] not found`);
        try {
          const principal = await services.accounts.principal(owner.accountId, flat.ProjectId || undefined);
          const fields = await def.run({ services, principal, accountName: owner.accountName }, flat);
          const name = action;
          return send(
            bodies.of(fields, name, () => JSON.stringify(ucloudSuccess(name, fields))),
            0,
          );
        } catch (e) {
          if (e instanceof ParamError) return fail(UCloudRetCode.ParamError, e.message);
          if (isKilnError(e)) {
            const retCode = ucloudRetCodeFor[e.code];
            const param = e.param === undefined ? undefined : ucloudParamFor(def.name, def.product, e.param);
            const message =
              retCode === UCloudRetCode.ParamError && param
                ? `${paramErrorMessage(param, e.code === 'MissingParameter' ? 'missing' : 'invalid')}: ${e.message}`
                : e.message;
            return fail(retCode, message);
          }
          request.log.error({ err: e, action }, 'action failed');
          return fail(UCloudRetCode.ServiceUnavailable, 'internal error; the request id identifies it in the server log');
        }
      },
    });
  };
}

function sendJson(reply: FastifyReply, requestId: string, body: string): FastifyReply {
  return reply.header('X-UCLOUD-REQUEST-UUID', requestId).header('content-type', 'application/json; charset=utf-8').send(body);
}
