/**
 * The SDK's generated files (packages/sdk/src/generated/<product>.ts): request and answer
 * types of every action, which actions only read, and a client class with one typed
 * method per action. All from the same schemas the server decodes with.
 */
import type { SdkTarget } from '../dialects/dialect.ts';
import { json, propertiesOf } from '../dialects/schema/json-schema.ts';
import { objectBody } from './ts-types.ts';

function methodName(action: string): string {
  return action[0]!.toLowerCase() + action.slice(1);
}

function iface(name: string, comment: string, body: string): string {
  return `/** ${comment} */\nexport interface ${name} ${body === '' ? '{}' : `{\n${body}\n}`}\n`;
}

export function sdkProductFile(p: SdkTarget): string {
  const { base, options, module } = p.client;
  const defaulted = new Set(p.client.defaulted);
  const imported = [base, `type ${options}`, ...(defaulted.size > 0 ? ['type WithDefaults'] : [])];
  const out = [
    '// Generated from the action schemas by `npm run docs`; do not edit.',
    "import type { CallOptions } from '../actions.ts';",
    `import { ${imported.join(', ')} } from '${module}';`,
    '',
  ];
  for (const a of p.actions) {
    out.push(iface(`${a.name}Request`, `Parameters of ${a.name}.`, objectBody(json(a.request), '  ')));
    out.push(iface(`${a.name}Response`, `The answer of ${a.name} (envelope removed).`, objectBody(json(a.response), '  ')));
  }
  out.push(`/** Every ${p.prefix} action: its parameters and its answer. */`);
  out.push(`export interface ${p.prefix}Actions {`);
  for (const a of p.actions) out.push(`  ${a.name}: { request: ${a.name}Request; response: ${a.name}Response };`);
  out.push('}', '');
  out.push('/** Which calls only read (and so are retried after network errors and throttling). */');
  out.push(`export const ${p.product}ActionMeta = {`);
  for (const a of p.actions) out.push(`  ${a.name}: { readOnly: ${a.readOnly} },`);
  out.push('} as const;', '');
  out.push(`/** One typed method per ${p.prefix} action. */`);
  out.push(`export class ${p.prefix}Api extends ${base}<${p.prefix}Actions> {`);
  out.push(`  constructor(options: ${options}) {`, `    super(options, ${p.product}ActionMeta);`, '  }');
  for (const a of p.actions) {
    const required = propertiesOf(json(a.request)).some(([name, , req]) => req && !defaulted.has(name));
    const type = defaulted.size > 0 ? `WithDefaults<${a.name}Request>` : `${a.name}Request`;
    out.push('', `  /** ${a.summary} */`);
    out.push(`  ${methodName(a.name)}(params: ${type}${required ? '' : ' = {}'}, opts?: CallOptions): Promise<${a.name}Response> {`);
    out.push(`    return this.call('${a.name}', params, opts);`, '  }');
  }
  out.push('}', '');
  return out.join('\n');
}
