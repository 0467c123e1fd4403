/**
 * The replay check of a signed ZEC request, once its action is known to exist: the
 * rules are ReplayGuard's (src/core/accounts/replay-guard.ts). It runs after the action
 * lookup so that an unknown action never enters the record.
 */
import type { ReplayGuard } from '../../../core/accounts/replay-guard.ts';
import type { ZcCaller } from './authenticate.ts';
import { ZcCode } from './error-codes.ts';
import { ZcHttpError } from './envelope.ts';

export async function checkZcReplay(
  guard: Pick<ReplayGuard, 'check' | 'switchWindowMs'>,
  caller: ZcCaller,
  action: { name: string; readOnly: boolean },
): Promise<void> {
  if (!caller.signed) return;
  const { verdict, firstSeenMsAgo } = await guard.check({ ...caller.signed, action: action.name, changing: !action.readOnly });
  if (verdict === 'replayed') {
    throw new ZcHttpError(
      401,
      ZcCode.SignatureReplayed,
      `this signature was already used for ${action.name}: a signed request that changes something is accepted once; sign it again (with a later X-ZC-Timestamp, or a changed body) to repeat it`,
    );
  }
  if (verdict === 'switched') {
    throw new ZcHttpError(
      401,
      ZcCode.SignatureReplayed,
      `this signature was already used for another action ${Math.round((firstSeenMsAgo ?? 0) / 1000)}s ago: X-ZC-Action is not signed, so a signature may serve another action only within ${guard.switchWindowMs} ms of its first use; sign the request again`,
    );
  }
}
