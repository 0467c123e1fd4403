import { join } from 'node:path';
import type { KilnProcess } from './kiln-process.ts';
import { waitFor } from './kiln-process.ts';
import { writeSparseDisk } from './disk-files.ts';
import { ZenlayerTestClient, type ZcStyle } from './zenlayer-client.ts';

const MiB = 1024 * 1024;
export const ZONE = 'asia-east-1a';
export const CPU_TYPE = 'z2a.cpu.1';
export const GPU_TYPE = 'z3a.g.C49.c8m32.1';

/** A signing client for an account's key pair (the admin's unless keys are given). */
export async function zecClient(k: KilnProcess, style: ZcStyle = 'python', keys?: { publicKey: string; privateKey: string }): Promise<ZenlayerTestClient> {
  const c = keys ?? (await k.credentials());
  return new ZenlayerTestClient({ baseUrl: k.baseUrl, accessKeyId: c.publicKey, accessKeyPassword: c.privateKey, style });
}

/** A 64 MiB sparse base image offered to ZEC, with a little data at both ends. */
export async function addZecBaseImage(k: KilnProcess): Promise<string> {
  const file = join(k.dataDir, 'zec-base.raw');
  await writeSparseDisk(file, 64 * MiB, [
    { offset: 0, length: MiB, seed: 11 },
    { offset: 63 * MiB, length: MiB, seed: 12 },
  ]);
  const out = JSON.parse(await k.cli(['image', 'add-base', file, '--name', 'Ubuntu 22.04', '--os-type', 'Linux', '--product', 'zec', '--json'])) as {
    imageId: string;
  };
  return out.imageId;
}

export async function instanceStatus(c: ZenlayerTestClient, id: string): Promise<string | undefined> {
  const r = await c.ok('DescribeInstancesStatus', { instanceIds: [id] });
  return (r.dataSet as { instanceId: string; instanceStatus: string }[])[0]?.instanceStatus;
}

export async function waitInstanceStatus(c: ZenlayerTestClient, id: string, status: string): Promise<void> {
  await waitFor(`instance ${id} ${status}`, async () => {
    const s = await instanceStatus(c, id);
    if (s === 'CREATE_FAILED') throw new Error(`instance ${id} failed to create`);
    return s === status ? true : undefined;
  });
}

let instanceNames = 0;

/**
 * Creates one instance and waits until it runs; returns its id. Each gets its own name
 * unless one is given: the client signs as the official SDKs do, and the same create sent
 * twice within one second carries one signature, which the server serves once.
 */
export async function createZecInstance(c: ZenlayerTestClient, imageId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const instanceName = `instance-${++instanceNames}`;
  const r = await c.ok('CreateZecInstances', {
    zoneId: ZONE,
    imageId,
    instanceType: CPU_TYPE,
    subnetId: '1272168087751233112',
    instanceCount: 1,
    instanceName,
    ...extra,
  });
  const id = (r.instanceIdSet as string[])[0]!;
  await waitInstanceStatus(c, id, 'RUNNING');
  return id;
}

export async function stopZecInstance(c: ZenlayerTestClient, id: string): Promise<void> {
  const r = await c.ok('StopInstances', { instanceIds: [id] });
  if ((r.instanceIds as string[]).length > 0) throw new Error(`StopInstances failed for ${id}`);
  await waitInstanceStatus(c, id, 'STOPPED');
}

/** Polls DescribeCustomImages until the image leaves CREATING; returns its dataSet entry. */
export async function waitCustomImageSettled(c: ZenlayerTestClient, imageId: string, timeoutMs = 120_000): Promise<Record<string, unknown>> {
  return waitFor(
    `image ${imageId}`,
    async () => {
      const r = await c.ok('DescribeCustomImages', { imageIds: [imageId] });
      const img = (r.dataSet as Record<string, unknown>[])[0];
      return img && img.imageStatus !== 'CREATING' ? img : undefined;
    },
    timeoutMs,
  );
}

export async function zecDiskPath(k: KilnProcess, instanceId: string): Promise<string> {
  return k.diskPath(instanceId);
}
