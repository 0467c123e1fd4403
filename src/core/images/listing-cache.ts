import type { Image } from '../model.ts';

interface Entry {
  version: string;
  result: { items: Image[]; total: number };
}

/**
 * Answers of image listings, kept per exact request (project, product and every
 * parameter are in the key, so no tenant can be served another's answer) and valid
 * only for the catalogue version they were computed at: the version moves in the same
 * transaction as every image write, so an answer cached anywhere is never served after
 * a commit that changed it. Bounded; the oldest entry goes first.
 */
export class ListingCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = 2000) {}

  get(key: string, version: string): Entry['result'] | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.version !== version) {
      this.entries.delete(key);
      return undefined;
    }
    return e.result;
  }

  set(key: string, version: string, result: Entry['result']): void {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { version, result });
  }
}
