/**
 * A throwaway PostgreSQL server for tests: initdb into a temp dir, start it on a free
 * loopback port with test settings (no fsync), stop it and remove the dir.
 *
 * initdb and postgres refuse to run as root, so when we are root every server command
 * runs as the `postgres` user (`runuser -u postgres`) in a dir under /tmp that user owns.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { appendFile, chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import { delay as sleep, freeLoopbackPort as freePort } from './ports.ts';

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:PORT/postgres (trust auth, superuser `postgres`). */
  adminUrl: string;
  port: number;
  dir: string;
  /** Stops the server the way an operator's restart does (`pg_ctl stop -m fast`: sessions are terminated, 57P01), keeping its data. */
  halt(): Promise<void>;
  /** Starts a halted server again on the same port. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

/** The directory holding initdb, pg_ctl and postgres, or null when PostgreSQL is not installed. */
export function findPostgresBinDir(): string | null {
  const candidates: string[] = [];
  if (process.env.KILN_TEST_PG_BIN) candidates.push(process.env.KILN_TEST_PG_BIN);
  for (const d of (process.env.PATH ?? '').split(delimiter)) if (d) candidates.push(d);
  // Debian's postgresql package does not put its binaries on PATH; newest version first.
  try {
    const versions = readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(`/usr/lib/postgresql/${v}/bin`);
  } catch {
    // not installed
  }
  for (const d of candidates) {
    if (['initdb', 'pg_ctl', 'postgres'].every((b) => existsSync(join(d, b)))) return d;
  }
  return null;
}

interface RunAs {
  uid: number;
  gid: number;
  /** Prefix for commands: [] or ['runuser', '-u', 'postgres', '--']. */
  prefix: string[];
}

function runAs(): RunAs {
  if (process.getuid?.() !== 0) return { uid: -1, gid: -1, prefix: [] };
  let uid: number;
  let gid: number;
  try {
    uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  } catch {
    throw new Error(
      "running as root, but there is no `postgres` user to run initdb/postgres as (install Debian's postgresql package, or run the tests as a non-root user)",
    );
  }
  return { uid, gid, prefix: ['runuser', '-u', 'postgres', '--'] };
}

function run(cmd: string[], cwd: string, timeoutMs = 60_000): Promise<string> {
  return new Promise((ok, fail) => {
    execFile(cmd[0]!, cmd.slice(1), { cwd, timeout: timeoutMs, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } }, (err, stdout, stderr) => {
      if (err) fail(new Error(`${cmd.join(' ')} failed: ${err.message}\n${stdout}${stderr}`));
      else ok(stdout + stderr);
    });
  });
}

async function canConnect(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  c.on('error', () => {});
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

/** Starts a fresh PostgreSQL on a free loopback port. Throws when the binaries are missing. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = findPostgresBinDir();
  if (!bin)
    throw new Error("PostgreSQL not found (no initdb/pg_ctl/postgres on PATH or under /usr/lib/postgresql/*/bin); install Debian's `postgresql` package");
  const as = runAs();
  // /tmp, not $TMPDIR: when we are root the postgres user must be able to reach it.
  const dir = await mkdtemp(join(as.prefix.length ? '/tmp' : tmpdir(), 'kiln-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'postgres.log');
  if (as.prefix.length) await chown(dir, as.uid, as.gid);

  let started = false;
  const pgCtl = (args: string[], timeoutMs?: number) => run([...as.prefix, join(bin, 'pg_ctl'), '-D', data, ...args], dir, timeoutMs);
  const stop = async () => {
    if (started) {
      started = false;
      await pgCtl(['stop', '-m', 'immediate', '-w'], 30_000).catch(() => {});
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await run(
      [...as.prefix, join(bin, 'initdb'), '-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync', '--no-instructions'],
      dir,
      120_000,
    );
    const settings = [
      '',
      '# kiln tests',
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${dir}'`,
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
      'max_connections = 400',
      "log_min_messages = 'warning'",
      '',
    ];
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      // A port taken between freePort() and the server's bind makes pg_ctl fail: pick another one.
      const port = await freePort();
      await appendFile(join(data, 'postgresql.conf'), [...settings, `port = ${port}`, ''].join('\n'));
      try {
        await pgCtl(['start', '-w', '-t', '60', '-l', log], 90_000);
        started = true;
      } catch (e) {
        lastError = new Error(`${String(e)}\n${await readFile(log, 'utf8').catch(() => '')}`);
        continue;
      }
      const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
      const deadline = Date.now() + 30_000;
      while (!(await canConnect(adminUrl))) {
        if (Date.now() > deadline) throw new Error(`PostgreSQL on port ${port} did not accept connections:\n${await readFile(log, 'utf8').catch(() => '')}`);
        await sleep(100);
      }
      const halt = async () => {
        await pgCtl(['stop', '-m', 'fast', '-w', '-t', '60'], 90_000);
        started = false;
      };
      const resume = async () => {
        await pgCtl(['start', '-w', '-t', '60', '-l', log], 90_000);
        started = true;
        const until = Date.now() + 30_000;
        while (!(await canConnect(adminUrl))) {
          if (Date.now() > until) throw new Error(`PostgreSQL on port ${port} did not accept connections after a restart`);
          await sleep(100);
        }
      };
      return { adminUrl, port, dir, halt, resume, stop };
    }
    throw lastError;
  } catch (e) {
    await stop();
    throw e;
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export async function withAdmin<T>(adminUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl });
  c.on('error', () => {});
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

/**
 * Creates database `name`, a copy of database `template` when given; returns its URL (same
 * server and user as adminUrl).
 */
export async function createDatabase(adminUrl: string, name: string, template?: string): Promise<string> {
  const from = template === undefined ? '' : ` TEMPLATE ${quoteIdent(template)}`;
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${quoteIdent(name)}${from}`));
  const u = new URL(adminUrl);
  u.pathname = `/${encodeURIComponent(name)}`;
  return u.toString();
}

/** Drops database `name`, disconnecting whoever still uses it. */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
}
