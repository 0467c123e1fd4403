import type SQLite from 'better-sqlite3';
import { lookUpKept } from './kept-version-lookup.ts';

/** Scopes kept before the map is emptied and refilled: one per project and product that lists. */
const MAX_SCOPES = 100_000;

/**
 * Catalogue versions of a SQLite store kept in memory, so a listing request that finds
 * nothing committed since the last look costs one pragma instead of a version read
 * through Kysely (the largest Kiln cost of a kept DescribeImage answer, measured).
 *
 * Never stale after a commit in any process. Whether anything was committed since the
 * versions were read is told by two counters of this process's one connection, read in
 * one statement: `data_version` moves when any other connection (another process, or
 * another handle in this one) has committed, and `total_changes()` counts every row this
 * connection has inserted, updated or deleted, so it moves with each of our own writes
 * (a rolled-back one too, which only costs a read). Every version move is a row change
 * of `catalogue_versions` in the writing transaction, so if neither counter moved, no
 * version did.
 *
 * Both the look and the read are synchronous calls on the connection, outside Kysely's
 * queue: nothing else in this process can run between them, and while one of our own
 * transactions is open (the connection would show its uncommitted rows) nothing is
 * learnt and the versions are read through Kysely, after that transaction ends.
 */
export class SqliteCatalogueVersions {
  private readonly look: SQLite.Statement<[], [number, number]>;
  private readonly readTwo: SQLite.Statement<[string, string], [string, number]>;
  private readonly known = new Map<string, number>();
  /** The counters the known versions were read under. */
  private seenData = -1;
  private seenChanges = -1;

  constructor(
    private readonly sqlite: SQLite.Database,
    /** Reads versions through the store's queue: for when our own transaction is open. */
    private readonly read: (scopes: string[]) => Promise<Map<string, number>>,
  ) {
    this.look = sqlite.prepare<[], [number, number]>('select data_version, total_changes() from pragma_data_version').raw(true);
    this.readTwo = sqlite.prepare<[string, string], [string, number]>('select scope, version from catalogue_versions where scope in (?, ?)').raw(true);
  }

  /** Asks waiting for the next look, which is made once the asks of this turn of the event loop are in. */
  private waiting: Ask[] | undefined;

  /** The versions of `scopes` (0 for a catalogue never written), as of a moment after this call. */
  versionsOf(scopes: string[]): Promise<Map<string, number>> {
    return new Promise((resolve, reject) => {
      if (!this.waiting) {
        this.waiting = [];
        setImmediate(() => this.answerWaiting());
      }
      this.waiting.push({ scopes, resolve, reject });
    });
  }

  /**
   * One look answers every ask made before it: each of those requests had arrived by the
   * time it asked, so a commit that preceded any of them preceded the look too. The asks
   * of one turn of the event loop (the requests read from every socket that was ready)
   * share the look and its two system calls instead of making one each.
   */
  private answerWaiting(): void {
    const asks = this.waiting ?? [];
    this.waiting = undefined;
    if (this.sqlite.inTransaction) {
      for (const ask of asks) this.read(ask.scopes).then(ask.resolve, ask.reject);
      return;
    }
    try {
      const [data, changes] = this.look.get()!;
      if (data !== this.seenData || changes !== this.seenChanges) {
        this.known.clear();
        this.seenData = data;
        this.seenChanges = changes;
      }
      for (const ask of asks) ask.resolve(this.versionsNow(ask.scopes));
    } catch (e) {
      for (const ask of asks) ask.reject(e);
    }
  }

  /** Versions under the counters just looked at: kept ones, the others read now. */
  private versionsNow(scopes: string[]): Map<string, number> {
    const { found: out, unknown } = lookUpKept(this.known, scopes);
    if (unknown.length === 0) return out;
    if (this.known.size + unknown.length > MAX_SCOPES) this.known.clear();
    // Read in the same synchronous run as the look: what it returns is at least as new
    // as the counters it is kept under.
    for (let i = 0; i < unknown.length; i += 2) {
      const first = unknown[i]!;
      const second = unknown[i + 1] ?? first;
      for (const s of [first, second]) out.set(s, 0);
      for (const [scope, version] of this.readTwo.all(first, second)) out.set(scope, Number(version));
    }
    for (const scope of unknown) this.known.set(scope, out.get(scope)!);
    return out;
  }
}

interface Ask {
  scopes: string[];
  resolve: (versions: Map<string, number>) => void;
  reject: (e: unknown) => void;
}
