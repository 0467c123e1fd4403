import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { KilnError } from '../../core/errors.ts';
import type { JobState } from '../../core/model.ts';
import { laneKinds, laneNames } from '../../jobs/lanes.ts';
import type { ConsoleContext, ConsolePage } from '../console-page.ts';
import { textField, type FormBody } from '../instances/instance-form.ts';
import { streamJobProgress } from './job-progress-stream.ts';
import { jobView } from './job-view.ts';
import { requireOperator } from './operator-gate.ts';
import { dedupRatio, storageChartSvg } from './storage-chart.ts';

/** Rows per lane and state: the newest matter; the counts above the tables give the whole. */
const JOBS_SHOWN = 50;
/** Runs charted and listed: a month of hourly runs. */
const GC_RUNS_SHOWN = 720;
const SHOWN_STATES: readonly JobState[] = ['running', 'queued', 'failed'];

/**
 * The operator's pages (admin account only): accounts with their keys, usage and quotas
 * (create accounts, add and revoke keys, as `kiln account` does), the job queue per lane
 * with live progress of running jobs, the nodes with their heartbeats, and storage: garbage
 * collection runs with logical vs stored bytes over time.
 */
export const operatorPages: ConsolePage = {
  name: 'operator',
  routes(parent, ctx) {
    // Its own scope, so the admin check runs for these routes only, after the session gate.
    parent.register(async (app) => {
      app.addHook('preHandler', async (request) => requireOperator(request));
      operatorRoutes(app, ctx);
    });
  },
};

function operatorRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  app.get('/operator', async (_request, reply) => reply.redirect('/console/operator/accounts', 303));

  app.get('/operator/accounts', async (request, reply) => renderAccounts(ctx, request, reply));

  app.post<{ Body: FormBody }>('/operator/accounts', async (request, reply) => {
    const name = textField(request.body ?? {}, 'name', { required: true, max: 64 });
    const created = await ctx.services.accounts.create(name);
    return renderAccounts(ctx, request, reply, { account: name, publicKey: created.publicKey, privateKey: created.privateKey });
  });

  app.post<{ Body: FormBody }>('/operator/keys', async (request, reply) => {
    const account = textField(request.body ?? {}, 'account', { required: true, max: 64 });
    const added = await ctx.services.accounts.addKey(account);
    return renderAccounts(ctx, request, reply, { account, publicKey: added.publicKey, privateKey: added.privateKey });
  });

  app.post<{ Body: FormBody }>('/operator/keys/revoke', async (request, reply) => {
    const publicKey = textField(request.body ?? {}, 'publicKey', { required: true, max: 200 });
    // Sessions opened with this key end with it (ConsoleSessionService checks the key on each use).
    await ctx.services.accounts.revokeKey(publicKey);
    return reply.redirect('/console/operator/accounts', 303);
  });

  app.get('/operator/jobs', async (request, reply) => {
    const lanes = [];
    for (const lane of laneNames) {
      const byState: Record<string, ReturnType<typeof jobView>[]> = {};
      for (const state of SHOWN_STATES) byState[state] = (await ctx.services.operator.jobs(laneKinds[lane], state, JOBS_SHOWN)).map(jobView);
      lanes.push({ name: lane, kinds: laneKinds[lane], jobs: byState });
    }
    return ctx.render(request, reply, 'operator/jobs', { title: 'Job queue', operatorSection: 'jobs', lanes, counts: await ctx.services.operator.jobCounts() });
  });

  app.get<{ Params: { id: string } }>('/operator/jobs/:id/events', async (request, reply) => {
    if (request.headers.accept !== 'text/event-stream') throw new KilnError('InvalidParameter', 'this address is an event stream (Accept: text/event-stream)');
    await streamJobProgress(ctx.services.operator, request, reply, request.params.id);
  });

  app.get('/operator/storage', async (request, reply) => {
    const runs = await ctx.services.operator.gcRuns(GC_RUNS_SHOWN);
    const now = await ctx.services.operator.storageNow();
    return ctx.render(request, reply, 'operator/storage', {
      title: 'Storage',
      operatorSection: 'storage',
      now: { ...now, ratio: dedupRatio(now.logicalBytes, now.storedBytes) },
      runs: runs.map((r) => ({ ...r, ratio: dedupRatio(r.storage.logicalBytes, r.storage.storedBytes) })),
      chartSvg: storageChartSvg(runs),
      gcIntervalMinutes: Math.round(ctx.services.config.gc.intervalMs / 60_000),
    });
  });

  app.get('/operator/nodes', async (request, reply) => {
    return ctx.render(request, reply, 'operator/nodes', {
      title: 'Nodes',
      operatorSection: 'nodes',
      nodes: await ctx.services.operator.nodes(),
      livenessSeconds: Math.round((2 * ctx.services.config.jobs.leaseMs) / 1000),
    });
  });
}

async function renderAccounts(
  ctx: ConsoleContext,
  request: FastifyRequest,
  reply: FastifyReply,
  newKey?: { account: string; publicKey: string; privateKey: string },
): Promise<FastifyReply> {
  const q = ctx.services.config.quotas;
  return ctx.render(request, reply, 'operator/accounts', {
    title: 'Accounts',
    operatorSection: 'accounts',
    accounts: await ctx.services.operator.accounts(),
    quotas: { images: q.customImagesPerAccount, instances: q.instancesPerAccount, disks: q.disksPerAccount, diskBytes: q.diskBytesPerAccount },
    newKey,
  });
}
