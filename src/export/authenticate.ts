/**
 * Who is calling one of Kiln's own endpoints (/v1/images/...), which no vendor API
 * covers. Either a Bearer token (`kiln token create`, as Zenlayer callers use), or the
 * UCloud signature over the query string, as a pre-signed URL: every query parameter
 * but `Signature`, `Action` naming the endpoint, and `Expires` (unix seconds, at most a
 * day ahead) bounding how long a copied URL works.
 */
import type { KilnServices } from '../core/services.ts';
import type { Principal } from '../core/model.ts';
import { verifyUCloudSignature } from '../dialects/ucloud/protocol/signature.ts';

export class ExportError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const MAX_EXPIRY_SECONDS = 24 * 3600;

export async function authenticateExport(
  services: KilnServices,
  action: string,
  query: Readonly<Record<string, string>>,
  authorization: string | undefined,
): Promise<Principal> {
  if (authorization !== undefined && /^Bearer /i.test(authorization)) {
    const owner = await services.tokens.owner(authorization.slice(7).trim());
    if (!owner) throw new ExportError(401, 'InvalidToken', 'the API token is not valid');
    return services.accounts.principal(owner.accountId, undefined);
  }
  const { PublicKey: publicKey, Signature: signature, Expires: expires } = query;
  if (!publicKey || !signature)
    throw new ExportError(401, 'MissingSignature', 'send Authorization: Bearer <token>, or PublicKey, Expires and Signature in the query');
  if (query.Action !== action) throw new ExportError(400, 'InvalidAction', `Action must be ${action} on this endpoint`);
  // A URL without Expires (or with a malformed one) was never valid: saying it expired
  // would send its caller looking at clocks instead of at how the URL was made.
  if (expires === undefined || expires === '')
    throw new ExportError(400, 'MissingParameter', 'Expires is required with a signature in the query: a unix time from now to a day ahead');
  if (!/^\d+$/.test(expires)) throw new ExportError(400, 'InvalidParameter', 'Expires must be a unix time in whole seconds');
  const now = Math.floor(Date.now() / 1000);
  const until = Number(expires);
  if (until < now || until > now + MAX_EXPIRY_SECONDS) throw new ExportError(401, 'SignatureExpired', 'Expires must be a unix time from now to a day ahead');
  const owner = await services.accounts.keyOwner(publicKey);
  if (!owner || !verifyUCloudSignature(query, owner.privateKey, signature)) throw new ExportError(401, 'BadSignature', 'the signature does not match');
  return services.accounts.principal(owner.accountId, query.ProjectId || undefined);
}
