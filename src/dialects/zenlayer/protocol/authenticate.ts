/**
 * Who is calling: a ZC2-HMAC-SHA256 signature by an account's key pair (AccessKeyId =
 * publicKey, AccessKeyPassword = privateKey, the same pair that signs UCloud calls), or
 * `Authorization: Bearer <token>` with a token from `kiln token create`.
 *
 * Every refusal says only what was wrong with the request: an unknown AccessKeyId gets the
 * same answer as a wrong signature, so keys cannot be probed.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { AccountService } from '../../../core/accounts/account-service.ts';
import type { TokenService } from '../../../core/accounts/token-service.ts';
import { ZcCode } from './error-codes.ts';
import { ZcHttpError } from './envelope.ts';
import { parseZcAuthorization, verifyZcSignature, ZC_SIGNATURE_METHOD } from './signature.ts';
import { keyIdText } from '../../key-id-text.ts';

export interface ZcCaller {
  accountId: string;
  accountName: string;
  /**
   * A signed request's signature, for the replay check once the action is known
   * (replay-check.ts); absent for Bearer tokens, which have none.
   */
  signed?: { signature: string; actionSigned: boolean };
}

export interface ZcAuthDeps {
  accounts: AccountService;
  tokens: TokenService;
  maxSkewSeconds: number;
  /** Unix seconds; injectable for tests. */
  now?: () => number;
}

// A fixed key for the HMAC computed when the AccessKeyId is unknown, so that answer
// costs the same work as a known key with a wrong signature.
const DECOY_SECRET = 'kiln-zc-decoy-secret';

/** Node lowercases header names, so every lookup here is case-insensitive already. */
function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export async function authenticateZc(headers: IncomingHttpHeaders, body: Buffer, d: ZcAuthDeps): Promise<ZcCaller> {
  const authorization = header(headers, 'authorization');
  if (!authorization) throw new ZcHttpError(401, ZcCode.InvalidAuthorization, 'the Authorization header is missing');

  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (bearer) {
    const owner = await d.tokens.owner(bearer[1]!);
    if (!owner) throw new ZcHttpError(401, ZcCode.InvalidAuthorization, 'the API token is not valid');
    return owner;
  }

  const auth = parseZcAuthorization(authorization);
  if (!auth) {
    throw new ZcHttpError(
      401,
      ZcCode.InvalidAuthorization,
      `Authorization must be "${ZC_SIGNATURE_METHOD} Credential=..., SignedHeaders=content-type;host[;x-zc-action], Signature=..." or "Bearer <token>"`,
    );
  }
  const method = header(headers, 'x-zc-signature-method');
  if (method !== undefined && method !== ZC_SIGNATURE_METHOD) {
    throw new ZcHttpError(401, ZcCode.InvalidAuthorization, `X-ZC-Signature-Method must be ${ZC_SIGNATURE_METHOD}`);
  }
  const timestamp = header(headers, 'x-zc-timestamp');
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) {
    throw new ZcHttpError(401, ZcCode.InvalidAuthorization, 'X-ZC-Timestamp must be the request time in unix seconds');
  }
  const now = d.now ? d.now() : Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > d.maxSkewSeconds) {
    throw new ZcHttpError(401, ZcCode.SignatureExpired, `the signature has expired: X-ZC-Timestamp is more than ${d.maxSkewSeconds}s from the server time`);
  }
  const parts = {
    contentType: header(headers, 'content-type') ?? '',
    host: header(headers, 'host') ?? '',
    timestamp,
    body,
    ...(auth.actionSigned ? { action: header(headers, 'x-zc-action') ?? '' } : {}),
  };
  const owner = await d.accounts.keyOwner(auth.credential);
  const valid = verifyZcSignature(parts, owner?.privateKey ?? DECOY_SECRET, auth.signature);
  // One message whether the key exists or not: it names only what the caller sent.
  if (!owner || !valid)
    throw new ZcHttpError(401, ZcCode.SignatureFailure, `the signature does not match the request signed with AccessKeyId ${keyIdText(auth.credential)}`);
  return { accountId: owner.accountId, accountName: owner.accountName, signed: { signature: auth.signature, actionSigned: auth.actionSigned } };
}
