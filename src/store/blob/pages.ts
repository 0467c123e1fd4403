/** How many keys a list page holds when the caller does not say. */
export const defaultPageSize = 1000;

/** Groups keys into pages of at most `pageSize`, never holding more than one page. */
export async function* pages(keys: AsyncIterable<string>, pageSize = defaultPageSize): AsyncGenerator<string[]> {
  checkPageSize(pageSize);
  let page: string[] = [];
  for await (const key of keys) {
    page.push(key);
    if (page.length === pageSize) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

export function checkPageSize(pageSize: number): void {
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize ${pageSize} must be a positive integer`);
}
