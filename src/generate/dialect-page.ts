/**
 * The reference page of one dialect, generated from its description (dialects/dialect.ts):
 * every action, its parameters (type, required, limits), its answer fields and its error
 * codes. `npm run docs` writes it to docs/; Kiln serves the same text at /docs/<file>.
 */
import type { ReferencePage } from '../dialects/dialect.ts';
import type { ActionInfo } from '../dialects/schema/action-info.ts';
import { json } from '../dialects/schema/json-schema.ts';
import { workedExampleSection } from '../docs-site/worked-example.ts';
import { errorText } from './error-text.ts';
import { table } from './markdown.ts';
import { answerRows, rows } from './schema-text.ts';

function actionSection(a: ActionInfo, page: ReferencePage): string {
  const params = rows(json(a.request), page.naming);
  const answer = answerRows(json(a.response), page.naming);
  const errors = new Map<string, string[]>([[page.paramErrors, ['a parameter is missing or invalid']]]);
  for (const code of a.errors) {
    const wire = page.codeOf(code);
    const whens = errors.get(wire) ?? [];
    if (!whens.includes(errorText[code])) errors.set(wire, [...whens, errorText[code]]);
  }
  const out = [`### ${a.name}`, '', a.summary + (a.readOnly ? ' Read-only (safe to retry).' : ''), ''];
  out.push(
    params.length === 0
      ? 'No parameters.'
      : table(
          ['parameter', 'type', 'required', 'limits', 'notes'],
          params.map((r) => [`\`${r.name}\``, r.type, r.required ? 'yes' : '', r.limits, r.notes]),
        ),
    '',
  );
  out.push(
    'Answer:',
    '',
    answer.length === 0
      ? 'No fields beyond the envelope.'
      : table(
          ['field', 'type', 'notes'],
          answer.map((r) => [`\`${r.name}\``, r.type, r.notes]),
        ),
    '',
  );
  out.push(
    'Errors:',
    '',
    table(
      ['code', 'when'],
      [...errors].map(([wire, whens]) => [wire, whens.join('; ')]),
    ),
    '',
  );
  out.push(workedExampleSection(a.product, a.name));
  return out.join('\n');
}

export function renderDialectPage(page: ReferencePage): string {
  const out = [`# ${page.title}`, '', '<!-- Generated from the action schemas by `npm run docs`; do not edit. -->', '', page.intro.trim(), ''];
  for (const { product, title } of page.products) {
    const actions = page.actions.filter((a) => a.product === product);
    out.push(`## ${title}`, '', actions.map((a) => `[${a.name}](#${a.name.toLowerCase()})`).join(' · '), '');
    for (const a of actions) out.push(actionSection(a, page));
  }
  return (
    out
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd() + '\n'
  );
}
