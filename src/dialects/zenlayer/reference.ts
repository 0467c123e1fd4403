/** Zenlayer's page of the generated reference: the text around the actions, and how names and codes are spelt. */
import type { DialectReference, Naming } from '../dialect.ts';
import { zecActions } from './actions/index.ts';
import { zenlayerErrorFor } from './error-map.ts';

/** Nested names are dotted, items of object lists marked `[]`, and scalar lists are plain JSON arrays. */
const zecNaming: Naming = { field: (p, n) => (p ? `${p}.${n}` : n), item: (p) => `${p}[]`, scalarList: (p) => p };

const intro = `
Zenlayer Cloud API 2.0, service ZEC, as Kiln answers it. \`POST /api/v2/zec\` with a JSON
body of camelCase parameters; the action is the \`X-ZC-Action\` header (\`X-ZC-Version:
2025-09-01\`). Values keep their JSON types: a string where a number is declared is
\`INVALID_PARAMETER_TYPE\`, never coerced; \`null\` means unset.

Authentication is either \`Authorization: Bearer <token>\` (\`kiln token create\`) or a
ZC2-HMAC-SHA256 signature: \`X-ZC-Timestamp\` (unix seconds),
\`X-ZC-Signature-Method: ZC2-HMAC-SHA256\` and
\`Authorization: ZC2-HMAC-SHA256 Credential=<AccessKeyId>, SignedHeaders=content-type;host, Signature=<hex>\`,
where the signature is HMAC-SHA256 (key: the AccessKeyPassword) of
\`"ZC2-HMAC-SHA256\\n" + timestamp + "\\n" + hex(sha256(canonical))\` and the canonical request is
\`"POST\\n/\\n\\ncontent-type:" + contentType + "\\nhost:" + host + "\\n\\ncontent-type;host\\n" + hex(sha256(body))\`.
Kiln also accepts \`SignedHeaders=content-type;host;x-zc-action\` (what kiln-images-sdk sends), with
\`"x-zc-action:" + action + "\\n"\` after the host line and that list in place of
\`content-type;host\`: the signature then covers the action. A signature may repeat for
reads; a changing action is served once per signature, and a signature that does not cover
the action serves another action only within \`KILN_ZC_ACTION_SWITCH_MS\` of its first use
(README, Security model).

Success is HTTP 200 \`{"requestId": "T...", "response": {"requestId": "T...", ...fields}}\`;
an error is 4xx/5xx \`{"requestId", "code", "message"}\`. Codes every action may answer:

| status and code | when |
| --- | --- |
| 401 \`AUTHFAILURE_INVALID_AUTHORIZATION\` | no or malformed \`Authorization\`, or an unknown token |
| 401 \`AUTHFAILURE_SIGNATURE_FAILURE\` | the signature does not match |
| 401 \`AUTHFAILURE_SIGNATURE_EXPIRED\` | \`X-ZC-Timestamp\` outside the allowed skew |
| 401 \`AUTHFAILURE_SIGNATURE_REPLAYED\` | a changing request's signature already served it, or served another action longer ago than the switch window |
| 400 \`MISSING_PARAMETER\` | a required parameter is absent, \`null\` or \`""\` |
| 400 \`INVALID_PARAMETER_TYPE\` | a value of the wrong JSON type |
| 400 \`INVALID_PARAMETER_VALUE\` | a value outside an enum, or unusable |
| 400 \`INVALID_PARAMETER_LESS_MINIMUM\` / \`_EXCEED_MAXIMUM\` | a number out of range |
| 400 \`INVALID_PARAMETER_LESS_LENGTH\` / \`_EXCEED_LENGTH\` | a string or list too short or long |
| 400 \`INVALID_PARAMETER_PATTERN_ERROR\` | a string of the wrong form (names), or holding a control character (U+0000-U+001F, U+007F-U+009F) or a bidirectional control (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069); those marked "may span lines" may hold tabs and line breaks |
| 400 \`INVALID_ACTION\` | unknown action (told only to authenticated callers) |
| 500 \`INTERNAL_SERVER_ERROR\` | a server fault (the requestId finds it in the log) |
`;

export const zenlayerReference: DialectReference = {
  file: 'zenlayer.md',
  vendor: 'Zenlayer',
  summary: '`POST /api/v2/zec`, the action in `X-ZC-Action`, ZC2-HMAC-SHA256 or a Bearer token.',
  page: {
    title: 'Zenlayer ZEC API',
    intro,
    products: [{ product: 'zec', title: 'ZEC' }],
    actions: zecActions,
    naming: zecNaming,
    codeOf: (code) => `${zenlayerErrorFor[code].status} \`${zenlayerErrorFor[code].code}\``,
    paramErrors: '400 `INVALID_PARAMETER_VALUE`',
  },
};
