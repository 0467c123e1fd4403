import pg from 'pg';
import { lookUpKept } from './kept-version-lookup.ts';

/** The channel migration 016's trigger announces every catalogue version move on. */
export const CATALOGUE_CHANNEL = 'kiln_catalogue_versions';
/** How the listener's session shows in pg_stat_activity (operators, and the tests that cut it). */
export const LISTENER_APPLICATION_NAME = 'kiln-catalogue-listener';

export interface CatalogueFeedOptions {
  /** Reads versions from the store itself: what every request did before, and the fallback. */
  read: (scopes: string[]) => Promise<Map<string, number>>;
  /** Told when the listener's connection breaks or lags. */
  onConnectionError: (err: Error) => void;
  /** A catch-up round trip slower than this counts as a lagging listener (ms). */
  lagMs?: number;
  /** Pause before connecting again after the listener broke (ms). */
  retryMs?: number;
}

type ListenerState = 'idle' | 'connecting' | 'listening' | 'down' | 'closed';

/** Scopes kept before the map is emptied and refilled: one per project and product that lists. */
const MAX_SCOPES = 100_000;

/**
 * Catalogue versions of a PostgreSQL store kept in memory, fed by LISTEN on the channel
 * every version move is announced on, so a listing request costs no version read.
 *
 * Never stale after a commit in any process. A caller that wrote through process A and
 * then asks process B must see its write, yet the notice of A's commit travels to B on
 * its own (A's backend signals B's listening backend, which sends it down B's listener
 * connection) and may still be on its way when the caller's request reaches B. So before
 * B answers from memory it makes one round trip on the listener connection that was sent
 * after the request arrived (a catch-up). PostgreSQL queues a notice before the writing
 * transaction commits and signals the listening backends before it acknowledges the
 * commit, and a backend sends the notices it has been signalled before the ReadyForQuery
 * of the statement it was running; one connection delivers messages in order, and pg
 * emits each notice before it settles the query behind it. So when the catch-up returns,
 * every notice of a transaction that committed before the request arrived has been
 * applied. The catch-up is shared: every request that arrives while one is on its way
 * waits for the next one, so at any load there is at most one in flight, a `select 1`
 * covering every tenant's catalogue, where each request used to read its own versions.
 *
 * Whenever that chain of reasoning is not in force, versions are read from the store as
 * before: before the listener is up, while it reconnects after its connection broke
 * (notices sent meanwhile are lost, so everything known is forgotten), and when a
 * catch-up takes longer than `lagMs` (the connection is then dropped and made again).
 * A version learnt from a read is kept only if the listener was up for the whole read,
 * and versions only grow, so a read and a notice arriving in either order agree.
 */
export class CatalogueVersionFeed {
  private state: ListenerState = 'idle';
  private client: pg.Client | undefined;
  /** Moves whenever what is known may have missed a notice; learning from older reads stops. */
  private generation = 0;
  private readonly versions = new Map<string, number>();
  private inFlight: Promise<boolean> | undefined;
  private next: Promise<boolean> | undefined;
  private retryAt = 0;
  private readonly lagMs: number;
  private readonly retryMs: number;

  constructor(
    private readonly url: string,
    private readonly opts: CatalogueFeedOptions,
  ) {
    this.lagMs = opts.lagMs ?? 500;
    this.retryMs = opts.retryMs ?? 1000;
  }

  /** Whether versions come from the listener now (false: each request reads them). */
  get listening(): boolean {
    return this.state === 'listening';
  }

  /** The versions of `scopes` (0 for a catalogue never written), as of a moment after this call. */
  async versionsOf(scopes: string[]): Promise<Map<string, number>> {
    if (this.state !== 'listening') {
      this.connectWhenDue();
      return this.opts.read(scopes);
    }
    const generation = this.generation;
    if (!(await this.caughtUp()) || generation !== this.generation) return this.opts.read(scopes);
    const { found: out, unknown } = lookUpKept(this.versions, scopes);
    if (unknown.length === 0) return out;
    const read = await this.opts.read(unknown);
    for (const [scope, v] of read) {
      out.set(scope, v);
      if (generation === this.generation) this.learn(scope, v);
    }
    return out;
  }

  async close(): Promise<void> {
    this.state = 'closed';
    this.generation++;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  /**
   * Resolves true once a round trip sent on the listener connection after this call has
   * come back: every notice committed before the call has then been applied.
   */
  private caughtUp(): Promise<boolean> {
    if (this.inFlight === undefined) return this.sendCatchUp();
    // The one on its way may have been sent before this call arrived: it proves nothing
    // for this caller, so wait for the next, sent once it is back.
    this.next ??= this.inFlight.then(() => {
      this.next = undefined;
      return this.inFlight ?? this.sendCatchUp();
    });
    return this.next;
  }

  private sendCatchUp(): Promise<boolean> {
    const client = this.client;
    const generation = this.generation;
    if (!client || this.state !== 'listening') return Promise.resolve(false);
    let timer: NodeJS.Timeout | undefined;
    const lagged = new Promise<boolean>((done) => {
      timer = setTimeout(() => {
        this.drop(client, new Error(`catalogue listener lagging: a catch-up took over ${this.lagMs} ms`));
        done(false);
      }, this.lagMs);
    });
    const answered = client.query('select 1').then(
      () => generation === this.generation,
      () => false,
    );
    const p: Promise<boolean> = Promise.race([answered, lagged]).finally(() => {
      clearTimeout(timer);
      if (this.inFlight === p) this.inFlight = undefined;
    });
    this.inFlight = p;
    return p;
  }

  private learn(scope: string, version: number): void {
    const known = this.versions.get(scope);
    if (known !== undefined && known >= version) return;
    if (known === undefined && this.versions.size >= MAX_SCOPES) this.versions.clear();
    this.versions.set(scope, version);
  }

  private connectWhenDue(): void {
    if ((this.state !== 'idle' && this.state !== 'down') || Date.now() < this.retryAt) return;
    this.state = 'connecting';
    void this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: LISTENER_APPLICATION_NAME, keepAlive: true, connectionTimeoutMillis: 5_000 });
    this.client = client;
    client.on('error', (err) => this.drop(client, err));
    client.on('end', () => this.drop(client, new Error('catalogue listener connection ended')));
    client.on('notification', (n) => {
      if (client !== this.client || n.channel !== CATALOGUE_CHANNEL || n.payload === undefined) return;
      const cut = n.payload.lastIndexOf(' ');
      const version = Number(n.payload.slice(cut + 1));
      if (cut > 0 && Number.isSafeInteger(version)) this.learn(n.payload.slice(0, cut), version);
    });
    try {
      await client.connect();
      await client.query(`listen ${CATALOGUE_CHANNEL}`);
    } catch (e) {
      this.drop(client, e instanceof Error ? e : new Error(String(e)));
      // Also when the feed was closed meanwhile (drop then leaves the client alone).
      await client.end().catch(() => undefined);
      return;
    }
    if (client !== this.client || this.state !== 'connecting') {
      // Closed (or dropped) while connecting: this connection is nobody's.
      await client.end().catch(() => undefined);
      return;
    }
    // Only notices from now on reach this connection: start from nothing known.
    this.versions.clear();
    this.generation++;
    this.state = 'listening';
  }

  /** Forgets everything the listener taught and schedules a new connection. */
  private drop(client: pg.Client, err: Error): void {
    if (client !== this.client) return;
    this.client = undefined;
    this.generation++;
    this.versions.clear();
    if (this.state === 'closed') return;
    this.state = 'down';
    this.retryAt = Date.now() + this.retryMs;
    this.opts.onConnectionError(err);
    client.end().catch(() => undefined);
  }
}
