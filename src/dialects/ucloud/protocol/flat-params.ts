/**
 * The flat parameter map every UCloud request decodes to: flattened keys
 * (`DataUDiskIds.0`, `Disks.0.IsBoot`, `Softwares.Application.0`) to string values,
 * exactly the pairs the signature covers. Readers here rebuild arrays and objects from it.
 */

export type FlatParams = Record<string, string>;

/**
 * An empty flat map without a prototype: keys come from the client, so a key such as
 * `constructor` or `__proto__` must be plain data, never an inherited member.
 */
export function createFlatParams(): FlatParams {
  return Object.create(null) as FlatParams;
}

/** Array indexes as the SDKs write them: zero-based decimal, no leading zeros. */
const INDEX = /^(?:0|[1-9][0-9]*)$/;

/**
 * Values of `name.0`, `name.1`, ... in numeric index order (`.2` before `.10`). Gaps are
 * closed up rather than treated as the end of the list: Go drops empty strings, so a
 * list with an empty element arrives with a hole.
 */
export function readArray(params: Readonly<FlatParams>, name: string): string[] {
  return readArrayEntries(params, name).map(([, value]) => value);
}

/** As readArray, with each value's index as sent (for naming a bad element `name.N`). */
export function readArrayEntries(params: Readonly<FlatParams>, name: string): Array<[number, string]> {
  const prefix = `${name}.`;
  const items: Array<[number, string]> = [];
  for (const [key, value] of Object.entries(params)) {
    if (!key.startsWith(prefix)) continue;
    const index = key.slice(prefix.length);
    if (INDEX.test(index)) items.push([Number(index), value]);
  }
  return items.sort((a, b) => a[0] - b[0]);
}

/**
 * Objects from `name.N.Field` keys, in numeric index order. Deeper keys stay flat in the
 * element (`Disks.0.CustomBackup.Journal` gives `{ 'CustomBackup.Journal': ... }`), so
 * readObject/readArray apply to an element as they do to the whole map.
 */
export function readObjectArray(params: Readonly<FlatParams>, name: string): FlatParams[] {
  const prefix = `${name}.`;
  const byIndex = new Map<number, FlatParams>();
  for (const [key, value] of Object.entries(params)) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const dot = rest.indexOf('.');
    if (dot <= 0 || dot === rest.length - 1) continue;
    const index = rest.slice(0, dot);
    if (!INDEX.test(index)) continue;
    const n = Number(index);
    let element = byIndex.get(n);
    if (element === undefined) {
      element = createFlatParams();
      byIndex.set(n, element);
    }
    element[rest.slice(dot + 1)] = value;
  }
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, element]) => element);
}

/**
 * The sub-map under `name.`: `Softwares.Framework` and `Softwares.Application.0` give
 * `{ Framework, 'Application.0' }`. Empty when nothing is under the name.
 */
export function readObject(params: Readonly<FlatParams>, name: string): FlatParams {
  const prefix = `${name}.`;
  const out = createFlatParams();
  for (const [key, value] of Object.entries(params)) {
    if (key.startsWith(prefix) && key.length > prefix.length) out[key.slice(prefix.length)] = value;
  }
  return out;
}
