import { pino } from 'pino';
import { ConfigError, type KilnConfig } from '../config/config.ts';
import { createKiln } from '../app/kiln.ts';
import { ensureAdmin } from '../app/bootstrap.ts';
import { buildServer } from '../http/server.ts';
import { listenErrorLine } from './listen-error.ts';

/** `kiln serve`: API, in-process job runner and periodic garbage collection. */
export async function serve(config: KilnConfig): Promise<void> {
  const log = pino({ level: config.logLevel });
  const kiln = await createKiln(config, log, { withRunner: true });
  // Printed once, on first start, before credentials.json is written: see ensureAdmin.
  await ensureAdmin(kiln, (keys) =>
    process.stdout.write(
      `Kiln created the admin account.\n  publicKey:  ${keys.publicKey}\n  privateKey: ${keys.privateKey}\n  (saving to ${keys.credentialsFile})\n`,
    ),
  );
  const app = await buildServer(kiln);
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (e) {
    const line = listenErrorLine(e, config.host, config.port);
    if (line === undefined) throw e;
    await app.close();
    await kiln.close();
    process.stderr.write(`${line}\n`);
    process.exit(1);
  }
  // Jobs start once the address is ours: a server that cannot listen must not take jobs
  // from the one that does.
  kiln.runner?.start();
  const gcTimer = setInterval(() => void kiln.gc().catch((err: unknown) => log.error({ err }, 'gc failed')), config.gc.intervalMs);
  gcTimer.unref();
  log.info(
    { host: config.host, port: config.port, database: config.database.kind, blobs: kiln.blobs.location, node: config.nodeId, workers: config.jobs.lanes },
    'kiln listening',
  );
  const shutdown = async () => {
    clearInterval(gcTimer);
    await app.close();
    await kiln.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

/** `kiln worker`: the job runner alone (no HTTP side), sharing the stores with the API processes. */
export async function work(config: KilnConfig): Promise<void> {
  const log = pino({ level: config.logLevel });
  if (config.jobs.concurrency === 0) throw new ConfigError(['KILN_WORKERS (or KILN_INSTANCE_WORKERS, KILN_IMPORT_WORKERS): a worker needs at least 1']);
  const kiln = await createKiln(config, log, { withRunner: true });
  kiln.runner?.start();
  log.info({ node: config.nodeId, workers: config.jobs.lanes, database: config.database.kind, blobs: kiln.blobs.location }, 'kiln worker running');
  const shutdown = async () => {
    await kiln.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}
