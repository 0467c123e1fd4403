import { Counter, Histogram, Gauge, Registry } from 'prom-client';
import type { ImageCache } from '../compute/image-cache/image-cache.ts';
import type { JobQueue } from '../core/ports/metadata-store.ts';
import type { RequestObserver } from '../wire/request-observer.ts';

/** Prometheus metrics of one server: requests by dialect/action/result, and jobs by state. */
export class RequestMetrics implements RequestObserver {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'kiln_requests_total',
    help: 'API requests by dialect, action and result code',
    labelNames: ['dialect', 'action', 'code'],
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'kiln_request_duration_seconds',
    help: 'API request latency by dialect and action',
    labelNames: ['dialect', 'action'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [this.registry],
  });

  constructor(jobs: JobQueue, imageCache?: ImageCache) {
    if (imageCache) {
      new Gauge({
        name: 'kiln_image_cache_bytes',
        help: "Bytes the node's image cache occupies on disk, and its budget",
        labelNames: ['kind'],
        registers: [this.registry],
        async collect() {
          const stats = await imageCache.stats();
          this.set({ kind: 'used' }, stats.bytes);
          this.set({ kind: 'budget' }, stats.budgetBytes);
        },
      });
      new Gauge({
        name: 'kiln_image_cache_entries',
        help: "Images in the node's image cache, by whether a disk uses them",
        labelNames: ['state'],
        registers: [this.registry],
        async collect() {
          const { entries } = await imageCache.stats();
          this.set({ state: 'in_use' }, entries.filter((e) => e.disks > 0).length);
          this.set({ state: 'unused' }, entries.filter((e) => e.disks === 0).length);
        },
      });
    }
    new Gauge({
      name: 'kiln_jobs',
      help: 'Jobs by state',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        const counts = await jobs.countByState();
        for (const state of ['queued', 'running', 'succeeded', 'failed']) this.set({ state }, counts[state] ?? 0);
      },
    });
  }

  observe(dialect: string, action: string, code: string, startedNs: bigint): void {
    this.requests.inc({ dialect, action, code });
    this.latency.observe({ dialect, action }, Number(process.hrtime.bigint() - startedNs) / 1e9);
  }
}
