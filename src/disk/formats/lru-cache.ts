/**
 * A small least-recently-used cache bounded by entry count. Map keeps insertion order,
 * so re-inserting on every hit makes the first key the least recently used.
 */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly capacity: number) {
    if (capacity < 1) throw new RangeError('LRU capacity must be at least 1');
  }

  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
  }

  get size(): number {
    return this.map.size;
  }

  /** Returns the cached value or loads, caches and returns it. */
  async getOrLoad(key: K, load: () => Promise<V>): Promise<V> {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const value = await load();
    this.set(key, value);
    return value;
  }
}

/** How many entries of `entryBytes` fit a byte budget, never fewer than `min`. */
export function entriesWithinBudget(budgetBytes: number, entryBytes: number, min = 4): number {
  return Math.max(min, Math.floor(budgetBytes / Math.max(1, entryBytes)));
}
