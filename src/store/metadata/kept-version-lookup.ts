/**
 * The versions of `scopes` found in `kept`, and the scopes it does not hold (to be read):
 * shared by the PostgreSQL feed and SQLite's change-counter check, which differ only in
 * how they know their kept versions are current.
 */
export function lookUpKept(kept: ReadonlyMap<string, number>, scopes: readonly string[]): { found: Map<string, number>; unknown: string[] } {
  const found = new Map<string, number>();
  const unknown: string[] = [];
  for (const scope of scopes) {
    const v = kept.get(scope);
    if (v === undefined) unknown.push(scope);
    else found.set(scope, v);
  }
  return { found, unknown };
}
