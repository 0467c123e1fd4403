import { SetupError } from '../../config/setup-error.ts';

/**
 * Turns a failed PostgreSQL connection or statement into what the installation lacks and
 * the command that adds it. The role and database names come from KILN_DATABASE_URL; the
 * password never appears in a message.
 */
export function diagnosePostgres(url: string, e: unknown): SetupError | undefined {
  const { role, database, where } = describeUrl(url);
  const code = (e as { code?: unknown } | null)?.code;
  const message = e instanceof Error ? e.message : String(e);
  const su = 'as a PostgreSQL superuser:';
  const make = (problem: string, fix: string) => new SetupError(`database: ${problem}`, fix, { cause: e });
  switch (code) {
    case '3D000':
      return make(`database "${database}" does not exist at ${where}`, `${su} psql -c 'CREATE DATABASE "${database}" OWNER "${role}"'`);
    case '28P01':
      // PostgreSQL answers the same for a role that does not exist, so as not to tell.
      return make(
        `password authentication failed for role "${role}" at ${where}: the password in KILN_DATABASE_URL is wrong, or there is no such role`,
        `put the role's password in KILN_DATABASE_URL; or ${su} psql -c "ALTER ROLE \\"${role}\\" PASSWORD '...'" (or CREATE ROLE \\"${role}\\" LOGIN PASSWORD '...' if it is missing)`,
      );
    case '28000':
      if (/does not exist/.test(message)) {
        return make(`role "${role}" does not exist at ${where}`, `${su} psql -c "CREATE ROLE \\"${role}\\" LOGIN PASSWORD '...'"`);
      }
      if (/not permitted to log in/.test(message)) return make(`role "${role}" may not log in at ${where}`, `${su} psql -c 'ALTER ROLE "${role}" LOGIN'`);
      // pg_hba.conf has no line for this role, database and client address.
      return make(
        `${where} refuses role "${role}": ${message}`,
        `add a pg_hba.conf line for role "${role}" and database "${database}" from this host, then reload PostgreSQL`,
      );
    case '42501':
      if (/permission denied for database/.test(message)) {
        return make(`role "${role}" may not connect to database "${database}"`, `${su} psql -c 'GRANT CONNECT ON DATABASE "${database}" TO "${role}"'`);
      }
      return make(`role "${role}" lacks a privilege in database "${database}": ${message}`, `${su} psql -c 'ALTER DATABASE "${database}" OWNER TO "${role}"'`);
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ETIMEDOUT':
      return make(`no PostgreSQL answers at ${where} (${String(code)})`, 'start PostgreSQL there, or set KILN_DATABASE_URL to where it runs');
  }
  if (/timeout/i.test(message) && /connect/i.test(message)) {
    return make(`no PostgreSQL answers at ${where} (connection timeout)`, 'start PostgreSQL there, or set KILN_DATABASE_URL to where it runs');
  }
  return undefined;
}

/** The role, database and host:port a URL names, for messages. */
export function describeUrl(url: string): { role: string; database: string; where: string } {
  try {
    const u = new URL(url);
    const role = decodeURIComponent(u.username) || 'postgres';
    return { role, database: decodeURIComponent(u.pathname.replace(/^\//, '')) || role, where: `${u.hostname}:${u.port || '5432'}` };
  } catch {
    return { role: '?', database: '?', where: '?' };
  }
}
