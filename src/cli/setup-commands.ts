import type { Command } from 'commander';
import type { Kiln } from '../app/kiln.ts';
import type { KilnConfig } from '../config/config.ts';

export interface OperatorRuntime {
  config(): KilnConfig;
  withKiln(fn: (kiln: Kiln) => Promise<void>): Promise<void>;
  print(json: boolean | undefined, value: object, text: string): void;
  fail(e: unknown): never;
}

/**
 * Setting an installation up: check what is there, make the bucket, bring the schema up
 * to date, create the admin. Each opens only the stores it needs, so `kiln migrate`
 * works before the bucket exists and `kiln check` reports everything missing at once.
 */
export function registerSetupCommands(program: Command, rt: OperatorRuntime): void {
  program
    .command('check')
    .description('try the configured database, bucket (a put/get/delete round trip) and master key; say what is missing and what fixes it')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const { checkInstallation } = await import('../app/checks/check-installation.ts');
      const r = await checkInstallation(rt.config());
      const text = r.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}${c.fix ? `\n     fix: ${c.fix}` : ''}`).join('\n');
      rt.print(opts.json, r, text);
      if (!r.ok) process.exit(1);
    });

  program
    .command('bucket')
    .description('the S3 bucket of KILN_BLOB_URL')
    .command('create')
    .description('create the KILN_BLOB_URL bucket unless it exists')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => {
      try {
        const { createConfiguredBucket } = await import('../store/blob/open-blob-store.ts');
        const location = await createConfiguredBucket(rt.config().blobs);
        rt.print(
          opts.json,
          { bucket: location ?? null },
          location ? `bucket ready: ${location}` : 'chunks are in a local directory (KILN_BLOB_URL unset): no bucket to create',
        );
      } catch (e) {
        rt.fail(e);
      }
    });

  program
    .command('migrate')
    .description('bring the metadata store schema up to date (every process also does this at start); needs the database only')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const cfg = rt.config();
      try {
        const { openMetadataStore } = await import('../store/metadata/kysely-metadata-store.ts');
        const store = await openMetadataStore(cfg.database);
        await store.close();
        const r = { engine: store.engine, applied: store.applied };
        rt.print(opts.json, r, r.applied.length > 0 ? `${r.engine}: applied ${r.applied.join(', ')}` : `${r.engine}: schema is up to date`);
      } catch (e) {
        rt.fail(e);
      }
    });

  program
    .command('bootstrap')
    .description('create the admin account if there is none (serve does this too); its keys are printed once')
    .option('--json', 'print one JSON object')
    .action((opts: { json?: boolean }) =>
      rt.withKiln(async (kiln) => {
        const { ensureAdmin } = await import('../app/bootstrap.ts');
        // The keys are printed as soon as the account exists; the answer is that line.
        const r = await ensureAdmin(kiln, (keys) =>
          rt.print(
            opts.json,
            { created: true, ...keys },
            `admin created (shown only once; saving a copy to ${keys.credentialsFile})\npublicKey:  ${keys.publicKey}\nprivateKey: ${keys.privateKey}`,
          ),
        );
        if (!r.created) rt.print(opts.json, r, r.hint);
      }),
    );
}
