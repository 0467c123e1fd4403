import type { FastifyReply, FastifyRequest } from 'fastify';
import { KilnError } from '../../core/errors.ts';
import type { OperatorOverview } from '../../core/operator/operator-overview.ts';
import { jobView } from './job-view.ts';

/** How often the server reads the job again while a page watches it. */
const TICK_MS = 1_000;
/**
 * A stream ends after this long; the browser's EventSource reconnects through the session
 * gate, so a session that ended meanwhile stops receiving.
 */
const STREAM_MS = 5 * 60_000;

/**
 * Pushes one job's progress to a page as server-sent events (`progress` while it runs,
 * `done` once it has ended), in the shape console.js shows. The server reads the store;
 * the browser only listens.
 */
export async function streamJobProgress(operator: OperatorOverview, request: FastifyRequest, reply: FastifyReply, jobId: string): Promise<void> {
  const first = await operator.job(jobId);
  if (!first) throw new KilnError('InvalidParameter', `no job ${jobId}`);
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  let open = true;
  request.raw.on('close', () => {
    open = false;
  });
  const until = Date.now() + STREAM_MS;
  let last = '';
  let job = first;
  while (open && Date.now() < until) {
    const v = jobView(job);
    const ended = job.state === 'succeeded' || job.state === 'failed';
    const data = JSON.stringify({ state: job.state, stateLabel: job.state, fraction: v.fraction, text: ended && v.error ? v.error : v.text });
    if (data !== last || ended) res.write(`event: ${ended ? 'done' : 'progress'}\ndata: ${data}\n\n`);
    last = data;
    if (ended) break;
    await new Promise((r) => setTimeout(r, TICK_MS));
    const next = await operator.job(jobId);
    if (!next) break;
    job = next;
  }
  res.end();
}
