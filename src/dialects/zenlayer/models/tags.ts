import { Type } from '@sinclair/typebox';
import type { Attributes } from '../../../core/model.ts';
import type { Tag } from '../protocol/params.ts';

/** Tags as answers show them: always wrapped, `{tags: [{key, value}]}`. */
export const TagsAnswer = Type.Object({ tags: Type.Array(Type.Object({ key: Type.String(), value: Type.String() })) });

/** Tags are stored as an attribute (core does not interpret them); anything malformed reads as none. */
export function readTags(attributes: Attributes): Tag[] {
  const raw = attributes.tags;
  if (!Array.isArray(raw)) return [];
  return raw.filter((t): t is Tag => typeof t === 'object' && t !== null && typeof (t as Tag).key === 'string' && typeof (t as Tag).value === 'string');
}

/** The `tags`/`tagKeys` filters of Describe* calls: every named key (and pair) must be present. */
export function matchesTags(attributes: Attributes, filter: { tags: Tag[]; tagKeys: string[] }): boolean {
  const own = readTags(attributes);
  return filter.tagKeys.every((k) => own.some((t) => t.key === k)) && filter.tags.every((f) => own.some((t) => t.key === f.key && t.value === f.value));
}
