/** UCloud's page of the generated reference: the text around the actions, and how names and codes are spelt. */
import type { DialectReference, Naming } from '../dialect.ts';
import { ucloudActions } from './actions/index.ts';
import { ucloudRetCodeFor } from './error-map.ts';

/** Nested names are dotted and list items numbered: `Disks.N.Size`, `ImageIds.N`. */
const ucloudNaming: Naming = { field: (p, n) => (p ? `${p}.${n}` : n), item: (p) => `${p}.N`, scalarList: (p) => `${p}.N` };

const intro = `
UCloud UHost and CompShare actions, as Kiln answers them. One URL (\`/\`), the action
named by the \`Action\` parameter; GET with a query string, or POST a form or a flat JSON
object. Lists and objects are flattened with zero-based indexes: \`ImageIds.0\`,
\`Disks.0.IsBoot\`, \`Softwares.Application.0\` (written \`.N\` below).

Every call also sends \`PublicKey\` and \`Signature\`: the lowercase hex SHA1 of the
parameters other than \`Signature\`, sorted by name (plain code-unit order), written as
\`name + value\` with no escaping, followed by the private key. Booleans are \`true\`/\`false\`,
numbers have no zero fraction. \`Region\`, \`Zone\` and \`ProjectId\` may be sent to any action;
undeclared parameters are ignored. No string parameter may hold a control character
(U+0000-U+001F, U+007F-U+009F) or a bidirectional control (U+061C, U+200E, U+200F,
U+202A-U+202E, U+2066-U+2069); those marked "may span lines" may hold tabs and line
breaks (230, naming the character's code point and position).

Every answer is HTTP 200: \`{"Action": "<Action>Response", "RetCode": 0, ...fields}\`, or
\`RetCode\` ≠ 0 with a \`Message\`. Codes every action may answer:

| RetCode | when |
| --- | --- |
| 160 | no \`Action\` |
| 161 | unknown \`Action\` (told only to signed callers) |
| 170 | no \`Signature\` |
| 171 | the signature does not match |
| 172 | unknown \`PublicKey\` |
| 230 | \`Params [Name] not available\` (missing) or \`Params [Name] not valid\` (with \`: why\` when there is more to say) |
| 292 | unknown \`ProjectId\` |
| 150 | a server fault (the request id in \`X-UCLOUD-REQUEST-UUID\` finds it in the log) |
`;

export const ucloudReference: DialectReference = {
  file: 'ucloud.md',
  vendor: 'UCloud',
  summary: '`GET|POST /`, the action in `Action`, SHA1 signature.',
  page: {
    title: 'UCloud API (UHost, CompShare)',
    intro,
    products: [
      { product: 'uhost', title: 'UHost' },
      { product: 'compshare', title: 'CompShare' },
    ],
    actions: ucloudActions,
    naming: ucloudNaming,
    codeOf: (code) => String(ucloudRetCodeFor[code]),
    paramErrors: '230',
  },
};
