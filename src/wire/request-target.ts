/** The parts of a request target (a path, possibly with a query string and a fragment). */

export function pathOf(target: string): string {
  const mark = target.search(/[?#]/);
  return mark === -1 ? target : target.slice(0, mark);
}

export function queryOf(target: string): string {
  const mark = target.indexOf('?');
  return mark === -1 ? '' : target.slice(mark + 1);
}
