/**
 * Zenlayer Cloud API 2.0 common error codes (the SDKs' `cloud` error constants) with the
 * HTTP status each is answered with. Business codes of single actions live in error-map.ts.
 */
export const ZcCode = {
  InternalServerError: 'INTERNAL_SERVER_ERROR',
  InvalidAuthorization: 'AUTHFAILURE_INVALID_AUTHORIZATION',
  SignatureFailure: 'AUTHFAILURE_SIGNATURE_FAILURE',
  SignatureExpired: 'AUTHFAILURE_SIGNATURE_EXPIRED',
  // Not among the documented codes: a signature already used (see replay-check.ts).
  SignatureReplayed: 'AUTHFAILURE_SIGNATURE_REPLAYED',
  UnauthorizedOperation: 'AUTHFAILURE_UNAUTHORIZED_OPERATION',
  MissingParameter: 'MISSING_PARAMETER',
  InvalidParameterType: 'INVALID_PARAMETER_TYPE',
  InvalidParameterExceedMaximum: 'INVALID_PARAMETER_EXCEED_MAXIMUM',
  InvalidParameterLessMinimum: 'INVALID_PARAMETER_LESS_MINIMUM',
  InvalidParameterExceedLength: 'INVALID_PARAMETER_EXCEED_LENGTH',
  InvalidParameterLessLength: 'INVALID_PARAMETER_LESS_LENGTH',
  InvalidParameterPattern: 'INVALID_PARAMETER_PATTERN_ERROR',
  InvalidParameterValue: 'INVALID_PARAMETER_VALUE',
  ResourceNotFound: 'OPERATION_FAILED_RESOURCE_NOT_FOUND',
  ResourceGroupNotFound: 'OPERATION_FAILED_RESOURCE_GROUP_NOT_FOUND',
  // Not among the documented common codes, which name no unknown action; named in their style.
  InvalidAction: 'INVALID_ACTION',
  // Refusals of the HTTP message itself (protocol/refusal.ts). Neither the docs nor the
  // SDKs name codes for these (the gateway's own answers are not documented), so they are
  // named in the vendor's INVALID_<THING> / UNSUPPORTED_<THING> style; the HTTP status
  // carries the standard meaning.
  InvalidRequest: 'INVALID_REQUEST',
  InvalidRequestBody: 'INVALID_REQUEST_BODY',
  InvalidRequestHeader: 'INVALID_REQUEST_HEADER',
  UnsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  UnsupportedHttpMethod: 'UNSUPPORTED_HTTP_METHOD',
  RequestTimeout: 'REQUEST_TIMEOUT',
  // Documented (PROTOCOLS.md, "codes seen") with HTTP 429; the SDKs retry a 429.
  RequestLimitExceeded: 'REQUEST_LIMIT_EXCEEDED',
} as const;

export type ZcCommonCode = (typeof ZcCode)[keyof typeof ZcCode];
