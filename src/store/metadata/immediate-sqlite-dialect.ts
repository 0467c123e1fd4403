import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver } from 'kysely';

/**
 * SQLite transactions that take the write lock when they begin. Kysely begins with a
 * plain (deferred) BEGIN: such a transaction reads first and asks for the write lock
 * later, and in WAL mode it fails at once with SQLITE_BUSY (no busy_timeout wait) when
 * another process, say `kiln gc` or a worker, wrote in between. BEGIN IMMEDIATE waits
 * for the lock up front (busy_timeout), so read-then-write transactions serialise
 * across processes instead of failing.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0];

  constructor(config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}
