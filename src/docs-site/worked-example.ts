/**
 * A worked example of one action: a request a real client sent to a real Kiln and the
 * answer it got, recorded by `npm run docs:examples` (scripts/record-examples.ts) with
 * ids, times and keys replaced by stable stand-ins. test/integration/docs-site.test.ts
 * replays the same calls and fails when an answer no longer matches its recording, so
 * an example in the reference cannot silently go stale.
 */
import { recordedExamples } from './recorded-examples.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface WorkedExample {
  /** The action's product (`uhost`, `compshare`, `zec`): names are unique within one. */
  product: string;
  action: string;
  request: {
    method: 'POST';
    path: string;
    /** In the order they are sent; secrets and signatures are placeholders. */
    headers: Array<[string, string]>;
    body: JsonValue;
  };
  answer: {
    status: number;
    body: JsonValue;
  };
}

/** The example as Markdown for the action's section of the reference. */
export function workedExampleMarkdown(ex: WorkedExample): string {
  const request = [
    `${ex.request.method} ${ex.request.path} HTTP/1.1`,
    ...ex.request.headers.map(([k, v]) => `${k}: ${v}`),
    '',
    JSON.stringify(ex.request.body, null, 2),
  ].join('\n');
  return [
    'Example (a real call, recorded by `npm run docs:examples`; ids, times and keys are stand-ins):',
    '',
    '```http',
    request,
    '```',
    '',
    `Answer (HTTP ${ex.answer.status}):`,
    '',
    '```json',
    JSON.stringify(ex.answer.body, null, 2),
    '```',
    '',
  ].join('\n');
}

/** The recorded example of an action as Markdown, or '' before one is recorded (test/unit/generate checks that none is missing). */
export function workedExampleSection(product: string, action: string): string {
  const ex = recordedExamples.find((e) => e.product === product && e.action === action);
  return ex ? workedExampleMarkdown(ex) : '';
}
