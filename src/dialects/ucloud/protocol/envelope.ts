/**
 * The UCloud response body. Every answer, including API-level errors, is HTTP 200 with
 * `{"Action": "<Action>Response", "RetCode": n, ...}`; `Message` when RetCode != 0.
 */

export interface UCloudSuccessBody {
  Action: string;
  RetCode: 0;
}

export interface UCloudErrorBody {
  /** Absent when the request named no Action (see ucloudError). */
  Action?: string;
  RetCode: number;
  Message: string;
}

/** Fields of a success body; the envelope keys are the envelope's, not the action's. */
type ActionFields = object & { Action?: never; RetCode?: never; Message?: never };

export function ucloudSuccess<F extends ActionFields>(action: string, fields: F): UCloudSuccessBody & F {
  const envelope: UCloudSuccessBody = { Action: `${action}Response`, RetCode: 0 };
  // Envelope keys first (JSON key order as the real API sends it), and written again
  // last so that fields smuggled past the type (casts, spread records) cannot replace them.
  return Object.assign({ ...envelope }, fields, envelope);
}

/**
 * An API-level error. Without an Action (missing, or the request could not be decoded)
 * there is nothing to name the response after. Real gateway answers quoted in public
 * client code for that case carry no Action key (`{"RetCode":171,"Message":"..."}`); the
 * docs say nothing. So we omit the key rather than invent `"Action": "Response"`.
 */
export function ucloudError(action: string | undefined, retCode: number, message: string): UCloudErrorBody {
  if (action === undefined || action === '') return { RetCode: retCode, Message: message };
  return { Action: `${action}Response`, RetCode: retCode, Message: message };
}
