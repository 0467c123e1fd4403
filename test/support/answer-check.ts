/**
 * Every successful answer the integration tests receive is checked against the action's
 * declared answer schema: types by TypeBox, and no field the schema does not declare.
 * This is what keeps the generated docs and the SDK's types honest.
 *
 * The checks are TypeBox's compiled ones, precompiled once per checkout (answer-schemas.ts);
 * an answer that fails one is checked again by the action's own schema for TypeBox's list of
 * what is wrong.
 */
import type { JsonSchema } from '../../src/dialects/schema/json-schema.ts';
import { actionSchemas, answerSchemas, type Dialect } from './answer-schemas.ts';

const schemas = await answerSchemas();

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
  // Unions (tags and enums among them) were taken above, so `type` alone says object here.
  if (s.type !== 'object' || !s.properties) return;
  for (const [key, v] of Object.entries(value)) {
    if (!Object.hasOwn(s.properties, key)) out.push(`${path}.${key} is not declared`);
    else undeclared(s.properties[key]!, v, `${path}.${key}`, out);
  }
}

/** TypeBox's first five complaints about `fields`, from the action's own schema. */
async function typeProblems(dialect: Dialect, action: string, fields: Record<string, unknown>): Promise<string[]> {
  const [{ Value }, defs] = await Promise.all([import('@sinclair/typebox/value'), actionSchemas()]);
  const schema = defs[dialect].get(action);
  if (!schema) return [`no answer schema for ${action} in the action definitions`];
  return [...Value.Errors(schema, fields)].slice(0, 5).map((e) => `${e.path || '/'}: ${e.message} (got ${JSON.stringify(e.value)?.slice(0, 80)})`);
}

async function check(dialect: Dialect, action: string, fields: Record<string, unknown>): Promise<void> {
  const compiled = schemas[dialect].get(action);
  if (!compiled) return; // unknown actions answer errors, not fields
  const fits = compiled.check(fields);
  const problems = fits ? [] : await typeProblems(dialect, action, fields);
  // A refusal TypeBox cannot explain must still fail, not pass for want of a message.
  if (!fits && problems.length === 0) problems.push('the compiled check refused it, and TypeBox listed no error');
  undeclared(compiled.schema, fields, '', problems);
  if (problems.length > 0) throw new Error(`${action}: the answer does not match its declared schema:\n  ${problems.join('\n  ')}`);
}

/** A UCloud success body: the envelope keys are the dialect's, the rest is the action's. */
export async function checkUCloudAnswer(action: string, body: Record<string, unknown>): Promise<void> {
  if (body.RetCode !== 0) return;
  const { Action: _a, RetCode: _r, ...fields } = body;
  await check('ucloud', action, fields);
}

/** A ZEC success body: `response` minus its requestId. */
export async function checkZecAnswer(action: string, status: number, body: Record<string, unknown>): Promise<void> {
  if (status !== 200 || typeof body.response !== 'object' || body.response === null) return;
  const { requestId: _id, ...fields } = body.response as Record<string, unknown>;
  await check('zec', action, fields);
}
