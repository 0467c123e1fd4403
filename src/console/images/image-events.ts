import type { ImageProgress } from '../../core/images/image-progress.ts';
import type { ConsolePage } from '../console-page.ts';
import { viewFormat } from '../shell/view-format.ts';
import { imageScope } from './image-scope.ts';

/** How often the server looks at the job's recorded progress: what a worker's heartbeat writes, not faster. */
const LOOK_EVERY_MS = 500;
/** A comment line keeps proxies and the idle timeout from closing a stream with nothing new to say. */
const KEEPALIVE_MS = 15_000;

/**
 * Live progress of an image being made, pushed to the page as server-sent events: the
 * browser holds one connection and is told of each change; it never polls. `progress`
 * events while it is made, one `done` when it is Available or failed, then the stream ends.
 */
export const imageEvents: ConsolePage = {
  name: 'image-events',
  routes(app, ctx) {
    app.get<{ Params: { product: string; id: string } }>('/:product/images/:id/events', async (request, reply) => {
      const { principal, product } = await imageScope(ctx, request);
      const id = request.params.id;
      // Refusals (not found, another tenant's) are answered before the stream starts.
      const first = await ctx.services.images.progress(principal, product, id);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        connection: 'keep-alive',
      });
      let closed = false;
      request.raw.once('close', () => (closed = true));
      let last = '';
      let lastWrite = Date.now();
      const send = (event: string, p: ImageProgress) => {
        const data = JSON.stringify(progressEvent(p));
        if (event === 'progress' && data === last) return;
        last = data;
        lastWrite = Date.now();
        res.write(`event: ${event}\ndata: ${data}\n\n`);
      };
      let p = first;
      try {
        while (!closed && p.state === 'making') {
          send('progress', p);
          await new Promise((r) => setTimeout(r, LOOK_EVERY_MS));
          if (Date.now() - lastWrite > KEEPALIVE_MS) {
            res.write(': still making\n\n');
            lastWrite = Date.now();
          }
          p = await ctx.services.images.progress(principal, product, id);
        }
        if (!closed) send('done', p);
      } catch (e) {
        // Deleted meanwhile (or the store went away): the page says so and stops listening.
        if (!closed)
          res.write(`event: done\ndata: ${JSON.stringify({ state: 'gone', stateLabel: 'Deleted', text: e instanceof Error ? e.message : 'gone' })}\n\n`);
      }
      res.end();
    });
  },
};

function progressEvent(p: ImageProgress) {
  const phase = p.phase ? `${p.phase.name} (step ${p.phase.index} of ${p.phase.count}): ` : '';
  const counts = p.total === null ? `${viewFormat.bytes(p.done)}` : `${viewFormat.bytes(p.done)} of ${viewFormat.bytes(p.total)}`;
  return {
    state: p.state,
    stateLabel: viewFormat.state(p.state),
    fraction: p.fraction,
    text: `${phase}${viewFormat.percent(p.fraction)}, ${counts}`,
  };
}

export { progressEvent };
