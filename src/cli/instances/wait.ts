/**
 * `--wait` for instances: poll the product's describe call until the instance is where
 * it was sent. Ctrl-C stops waiting only; what was asked for goes on in the server.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { DiskRow, InstanceRow, InstanceState, ProductInstances } from './product-instances.ts';

/** A waited-for instance ended failed (its disks could not be made): exit 1, like a failed image. */
export class InstanceFailedError extends Error {
  override name = 'InstanceFailedError';
  constructor(readonly instanceId: string) {
    super(`instance ${instanceId} failed to deploy (its disks could not be made); delete it and create another`);
  }
}

/** Past this the wait gives up; a healthy server deploys, stops or grows long before. */
const TIMEOUT_MS = 30 * 60_000;

async function poll(instances: ProductInstances, id: string, signal: AbortSignal, done: (r: InstanceRow) => boolean, what: string): Promise<InstanceRow> {
  const deadline = Date.now() + TIMEOUT_MS;
  let interval = 300;
  for (;;) {
    const r = await instances.show(id);
    if (done(r)) return r;
    if (r.state === 'Failed') throw new InstanceFailedError(id);
    if (Date.now() > deadline) throw new Error(`instance ${id} is still ${r.state} after ${TIMEOUT_MS / 60_000} minutes; gave up waiting for ${what}`);
    await sleep(interval, undefined, { signal });
    interval = Math.min(interval * 1.5, 2_000);
  }
}

export function waitForState(instances: ProductInstances, id: string, state: InstanceState, signal: AbortSignal): Promise<InstanceRow> {
  return poll(instances, id, signal, (r) => r.state === state, state);
}

/** Disk growth commits the new size last, so the listed size is the sign it is done. */
export function waitForDiskSize(instances: ProductInstances, id: string, disk: DiskRow, sizeGb: number, signal: AbortSignal): Promise<InstanceRow> {
  return poll(instances, id, signal, (r) => r.disks.some((d) => d.id === disk.id && d.sizeGb >= sizeGb), `disk ${disk.id} to be ${sizeGb} GB`);
}
