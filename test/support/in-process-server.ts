import type { FastifyInstance } from 'fastify';
import { ensureAdmin } from '../../src/app/bootstrap.ts';
import { addBaseImageFile } from '../../src/app/base-image-file.ts';
import type { OsType } from '../../src/core/model.ts';
import { buildServer } from '../../src/http/server.ts';
import { startCoreKiln, type CoreKiln, type CoreKilnOptions } from './core-kiln.ts';
import { UCloudTestClient } from './ucloud-client.ts';

/**
 * Kiln's HTTP app (the one `kiln serve` builds) listening on a loopback port in the test
 * process, with its job runner, on the current stack's stores: for tests of what the API
 * answers, where a `kiln serve` child process would add only its start-up. Requests still
 * go over real HTTP, so envelopes, headers and status codes are the server's own.
 */
export interface InProcessServer {
  core: CoreKiln;
  app: FastifyInstance;
  baseUrl: string;
  /** The admin's key pair, as `kiln serve` prints it on first start. */
  admin: { publicKey: string; privateKey: string };
  adminClient(): UCloudTestClient;
  /** What `kiln image add-base FILE --name N --os-type T --json` does; returns the image id. */
  addBase(file: string, name: string, osType?: OsType): Promise<string>;
  /** What `kiln account create NAME --json` does. */
  createAccount(name: string): Promise<{ accountId: string; projectId: string; publicKey: string; privateKey: string }>;
  stop(): Promise<void>;
}

export async function startInProcessServer(label: string, opts: CoreKilnOptions = {}): Promise<InProcessServer> {
  const core = await startCoreKiln(label, { ...opts, runner: true });
  let app: FastifyInstance | undefined;
  try {
    let admin: { publicKey: string; privateKey: string } | undefined;
    await ensureAdmin(core.kiln, (keys) => (admin = { publicKey: keys.publicKey, privateKey: keys.privateKey }));
    if (!admin) throw new Error('a fresh store already had an admin');
    app = await buildServer(core.kiln);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('the server is not listening on a TCP port');
    const baseUrl = `http://127.0.0.1:${address.port}`;
    const listening = app;
    const pair = admin;
    return {
      core,
      app: listening,
      baseUrl,
      admin: pair,
      adminClient: () => new UCloudTestClient({ baseUrl, publicKey: pair.publicKey, privateKey: pair.privateKey, region: 'cn-bj2' }),
      async addBase(file, name, osType = 'Linux') {
        const { store, blobs, config, ids } = core.kiln;
        return (await addBaseImageFile({ store, blobs, config, ids }, { file, name, osType })).id;
      },
      createAccount: (name) => core.kiln.services.accounts.create(name),
      async stop() {
        await listening.close();
        await core.close();
      },
    };
  } catch (e) {
    await app?.close();
    await core.close();
    throw e;
  }
}
