import { join } from 'node:path';
import type { Logger } from 'pino';
import type { KilnConfig } from '../config/config.ts';
import { LocalComputeDriver } from '../compute/local-driver.ts';
import { AccountService } from '../core/accounts/account-service.ts';
import { SecretBox } from '../core/accounts/secret-box.ts';
import { TokenService } from '../core/accounts/token-service.ts';
import { ImageService } from '../core/images/image-service.ts';
import { ImageSharing } from '../core/images/image-sharing.ts';
import { InstanceService } from '../core/instances/instance-service.ts';
import { closeSharedHashPool } from '../disk/hash-pool.ts';
import { collectGarbage } from '../jobs/garbage-collector.ts';
import { CaptureHandler } from '../jobs/handlers/capture-handler.ts';
import { ImportHandler } from '../jobs/handlers/import-handler.ts';
import { MaterializeHandler } from '../jobs/handlers/materialize-handler.ts';
import { JobRunner } from '../jobs/job-runner.ts';
import { LocalBlobStore } from '../store/blob/local-blob-store.ts';
import { AccountRepo } from '../store/metadata/account-repo.ts';
import { openSqlite, type Db } from '../store/metadata/database.ts';
import { ImageRepo } from '../store/metadata/image-repo.ts';
import { InstanceRepo } from '../store/metadata/instance-repo.ts';
import { JobRepo } from '../store/metadata/job-repo.ts';
import { QuotaRepo } from '../store/metadata/quota-repo.ts';
import { TokenRepo } from '../store/metadata/token-repo.ts';
import type { KilnServices } from './services.ts';

/** Everything one process needs, wired from configuration in one place. */
export interface Kiln {
  config: KilnConfig;
  log: Logger;
  db: Db;
  blobs: LocalBlobStore;
  repos: { accounts: AccountRepo; images: ImageRepo; instances: InstanceRepo; jobs: JobRepo; quota: QuotaRepo; tokens: TokenRepo };
  services: KilnServices;
  runner: JobRunner;
  gc(): ReturnType<typeof collectGarbage>;
  close(): Promise<void>;
}

export async function createKiln(config: KilnConfig, log: Logger): Promise<Kiln> {
  const db = await openSqlite(join(config.dataDir, 'kiln.sqlite'));
  const blobs = new LocalBlobStore(join(config.dataDir, 'blobs'), config.disk.fsync);
  await blobs.init();
  const compute = new LocalComputeDriver(join(config.dataDir, 'instances'));
  const repos = {
    accounts: new AccountRepo(db),
    images: new ImageRepo(db),
    instances: new InstanceRepo(db),
    jobs: new JobRepo(db),
    quota: new QuotaRepo(db),
    tokens: new TokenRepo(db),
  };
  const box = SecretBox.fromKeyFile(join(config.dataDir, 'master.key'));
  const images = new ImageService({ db, ...repos, config });
  const services: KilnServices = {
    config,
    accounts: new AccountService(repos.accounts, box),
    tokens: new TokenService(repos.accounts, repos.tokens),
    images,
    imageSharing: new ImageSharing({ db, images: repos.images, quota: repos.quota, config }, images),
    instances: new InstanceService({ db, ...repos, compute }),
    jobs: repos.jobs,
  };
  const runner = new JobRunner(
    repos.jobs,
    {
      capture: new CaptureHandler({ db, images: repos.images, instances: repos.instances, compute, blobs, config }),
      import: new ImportHandler({ db, images: repos.images, blobs, config }),
      materialize: new MaterializeHandler({ images: repos.images, instances: repos.instances, compute, blobs }),
    },
    config.jobs,
    log.child({ component: 'jobs' }),
  );
  return {
    config,
    log,
    db,
    blobs,
    repos,
    services,
    runner,
    gc: () => collectGarbage({ images: repos.images, jobs: repos.jobs, blobs, log }),
    async close() {
      await runner.stop();
      await db.destroy();
      await closeSharedHashPool();
    },
  };
}
