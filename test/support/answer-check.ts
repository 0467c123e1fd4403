/**
 * Every successful answer the integration tests receive is checked against the action's
 * declared answer schema: types by TypeBox, and no field the schema does not declare.
 * This is what keeps the generated docs and the SDK's types honest.
 */
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { ucloudActions } from '../../src/dialects/ucloud/actions/index.ts';
import { zecActions } from '../../src/dialects/zenlayer/actions/index.ts';
import { json, kindOf, propertiesOf, type JsonSchema } from '../../src/dialects/schema/json-schema.ts';

const ucloud = new Map(ucloudActions.map((a) => [a.name, a.response]));
const zec = new Map(zecActions.map((a) => [a.name, a.response]));

function undeclared(s: JsonSchema, value: unknown, path: string, out: string[]): void {
  if (value === null || typeof value !== 'object') return;
  if (s.anyOf) {
    // The first branch the value fits decides (unions here are T | null or enum literals).
    const branch = s.anyOf.find((b) => b.type === (Array.isArray(value) ? 'array' : 'object'));
    if (branch) undeclared(branch, value, path, out);
    return;
  }
  if (Array.isArray(value)) {
    if (s.items) {
      value.forEach((v, i) => {
        undeclared(s.items!, v, `${path}[${i}]`, out);
      });
    }
    return;
  }
  if (kindOf(s) !== 'object' || !s.properties) return;
  const known = new Set(propertiesOf(s).map(([name]) => name));
  for (const [key, v] of Object.entries(value)) {
    if (!known.has(key)) out.push(`${path}.${key} is not declared`);
    else undeclared(s.properties[key]!, v, `${path}.${key}`, out);
  }
}

function check(what: string, schema: TSchema | undefined, fields: Record<string, unknown>): void {
  if (!schema) return; // unknown actions answer errors, not fields
  const problems = [...Value.Errors(schema, fields)].slice(0, 5).map((e) => `${e.path || '/'}: ${e.message} (got ${JSON.stringify(e.value)?.slice(0, 80)})`);
  undeclared(json(schema), fields, '', problems);
  if (problems.length > 0) throw new Error(`${what}: the answer does not match its declared schema:\n  ${problems.join('\n  ')}`);
}

/** A UCloud success body: the envelope keys are the dialect's, the rest is the action's. */
export function checkUCloudAnswer(action: string, body: Record<string, unknown>): void {
  if (body.RetCode !== 0) return;
  const { Action: _a, RetCode: _r, ...fields } = body;
  check(action, ucloud.get(action), fields);
}

/** A ZEC success body: `response` minus its requestId. */
export function checkZecAnswer(action: string, status: number, body: Record<string, unknown>): void {
  if (status !== 200 || typeof body.response !== 'object' || body.response === null) return;
  const { requestId: _id, ...fields } = body.response as Record<string, unknown>;
  check(action, zec.get(action), fields);
}
