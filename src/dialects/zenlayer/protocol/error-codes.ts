/**
 * Zenlayer Cloud API 2.0 common error codes (the SDKs' `cloud` error constants) with the
 * HTTP status each is answered with. Business codes of single actions live in error-map.ts.
 */
export const ZcCode = {
  InternalServerError: 'INTERNAL_SERVER_ERROR',
  InvalidAuthorization: 'AUTHFAILURE_INVALID_AUTHORIZATION',
  SignatureFailure: 'AUTHFAILURE_SIGNATURE_FAILURE',
  SignatureExpired: 'AUTHFAILURE_SIGNATURE_EXPIRED',
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
  // Not among the documented common codes; named in the same style (see the report of issue 5).
  InvalidAction: 'INVALID_ACTION',
} as const;

export type ZcCommonCode = (typeof ZcCode)[keyof typeof ZcCode];
