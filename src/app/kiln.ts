import { join } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, type KilnConfig } from '../config/config.ts';
import { LocalComputeDriver } from '../compute/local-driver.ts';
import { AccountService } from '../core/accounts/account-service.ts';
import { ReplayGuard } from '../core/accounts/replay-guard.ts';
import { SecretBox } from '../core/accounts/secret-box.ts';
import { TokenService } from '../core/accounts/token-service.ts';
import { ImageCatalogue } from '../core/images/image-catalogue.ts';
import { ImageService } from '../core/images/image-service.ts';
import { ImageReplication } from '../core/images/image-replication.ts';
import { ImageCopies } from '../core/images/image-copies.ts';
import { ImageGrants } from '../core/images/image-grants.ts';
import { InstanceService } from '../core/instances/instance-service.ts';
import { UploadService } from '../core/uploads/upload-service.ts';
import type { BlobStore } from '../core/ports/blob-store.ts';
import type { MetadataStore } from '../core/ports/metadata-store.ts';
import { ResourceIds } from '../core/resource-ids.ts';
import { idSpellingsOf } from '../dialects/id-spellings.ts';
import { dialects } from '../dialects/registry.ts';
import { closeSharedHashPool } from '../disk/hash-pool.ts';
import { collectGarbage, type GcResult } from '../jobs/garbage-collector.ts';
import { CaptureHandler } from '../jobs/handlers/capture-handler.ts';
import { CopyHandler } from '../jobs/handlers/copy-handler.ts';
import { ReplicateHandler } from '../jobs/handlers/replicate-handler.ts';
import { DeployHandler } from '../jobs/handlers/deploy-handler.ts';
import { GrowHandler } from '../jobs/handlers/grow-handler.ts';
import { ReinstallHandler } from '../jobs/handlers/reinstall-handler.ts';
import { ImportHandler } from '../jobs/handlers/import-handler.ts';
import { ReleaseHandler } from '../jobs/handlers/release-handler.ts';
import { JobRunner } from '../jobs/job-runner.ts';
import { openBlobStore } from '../store/blob/open-blob-store.ts';
import { openMetadataStore } from '../store/metadata/kysely-metadata-store.ts';
import type { KilnServices } from '../core/services.ts';

/** Everything one process needs, wired from configuration in one place. */
export interface Kiln {
  config: KilnConfig;
  log: Logger;
  store: MetadataStore;
  blobs: BlobStore;
  /** Migrations this process applied when it opened the store. */
  migrationsApplied: string[];
  services: KilnServices;
  /** New resource ids, spelt as each product's dialect declares. */
  ids: ResourceIds;
  /** The job runner, when this process runs jobs (KILN_WORKERS > 0). */
  runner: JobRunner | undefined;
  gc(): Promise<GcResult>;
  close(): Promise<void>;
}

/**
 * The composition root: picks the metadata store (SQLite file or PostgreSQL) and the blob
 * store (local directory or S3) from configuration, and builds core services on them.
 * `withRunner` adds the job runner with this node's compute driver.
 */
export async function createKiln(config: KilnConfig, log: Logger, opts: { withRunner?: boolean } = {}): Promise<Kiln> {
  const store = await openMetadataStore(config.database, {
    onConnectionError: (err) => log.warn({ err }, 'database connection lost; queries reconnect when it answers again'),
  });
  let blobs: BlobStore;
  try {
    blobs = await openBlobStore(config.blobs, { fsync: config.disk.fsync });
  } catch (e) {
    await store.close();
    throw e;
  }
  const box = SecretBox.fromKeyFile(config.masterKeyFile);
  const ids = new ResourceIds(idSpellingsOf(dialects));
  const images = new ImageService({ store, config, ids });
  const services: KilnServices = {
    config,
    accounts: new AccountService(store.accounts, box, config.auth.cacheMs),
    tokens: new TokenService(store.accounts, store.tokens),
    replays: new ReplayGuard(store.replays, { windowSeconds: config.zenlayer.maxSkewSeconds, switchWindowMs: config.zenlayer.actionSwitchMs }, (err) =>
      log.warn({ err }, 'pruning used signatures failed'),
    ),
    images,
    imageCopies: new ImageCopies({ store, config, ids }, images),
    imageGrants: new ImageGrants({ store }, images),
    catalogue: new ImageCatalogue({ store }, images),
    imageReplication: new ImageReplication({ store }, images),
    uploads: new UploadService({ store, blobs, config, ids }),
    instances: new InstanceService({
      store,
      nodeLivenessMs: 2 * config.jobs.leaseMs,
      ids,
      limits: {
        maxDiskBytes: config.instances.maxDiskBytes,
        maxDisksPerInstance: config.instances.maxDisksPerInstance,
        perAccount: { instances: config.quotas.instancesPerAccount, disks: config.quotas.disksPerAccount, diskBytes: config.quotas.diskBytesPerAccount },
      },
    }),
  };
  let runner: JobRunner | undefined;
  if (opts.withRunner && config.jobs.concurrency > 0) {
    const compute = new LocalComputeDriver(join(config.dataDir, 'instances'));
    if (config.jobs.lanes.instance > 0) await checkMaxDiskSize(compute, config, store, blobs);
    runner = new JobRunner(
      store,
      {
        capture: new CaptureHandler({ store, compute, blobs, config }),
        import: new ImportHandler({ store, blobs, config }),
        materialize: new DeployHandler({ store, compute, blobs }),
        release: new ReleaseHandler({ compute }),
        reinstall: new ReinstallHandler({ store, compute, blobs }),
        grow: new GrowHandler({ store, compute }),
        copy: new CopyHandler(),
        replicate: new ReplicateHandler({ store, blobs }),
      },
      config.jobs,
      config.nodeId,
      log.child({ component: 'jobs', node: config.nodeId }),
    );
  }
  return {
    config,
    log,
    store,
    blobs,
    migrationsApplied: store.applied,
    services,
    ids,
    runner,
    gc: () => collectGarbage({ store, blobs, log }),
    async close() {
      await runner?.stop();
      await store.close();
      await blobs.close();
      await closeSharedHashPool();
    },
  };
}

/** The API accepts disks up to KILN_MAX_DISK_GB: a node that deploys disks must be able to create one. */
async function checkMaxDiskSize(compute: LocalComputeDriver, config: KilnConfig, store: MetadataStore, blobs: BlobStore): Promise<void> {
  try {
    await compute.checkCanCreate(config.instances.maxDiskBytes);
  } catch (e) {
    await store.close();
    await blobs.close();
    const why = e instanceof Error ? e.message : String(e);
    throw new ConfigError([`KILN_MAX_DISK_GB: ${config.instances.maxDiskBytes / 1024 ** 3} GB is more than this node's disks can be (${why}); lower it`]);
  }
}
