import assert from 'node:assert/strict';
import type { KilnProcess } from './kiln-process.ts';
import { waitFor } from './kiln-process.ts';
import type { UCloudTestClient } from './ucloud-client.ts';

/** Steps of the UHost workflow that several tests share. */
export async function createHost(c: UCloudTestClient, imageId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await c.call('CreateUHostInstance', {
    Zone: 'cn-bj2-04',
    ImageId: imageId,
    LoginMode: 'Password',
    Password: Buffer.from('Passw0rd!').toString('base64'),
    Disks: [{ IsBoot: 'True', Type: 'CLOUD_SSD', Size: 1 }],
    ...extra,
  });
  assert.equal(r.body.RetCode, 0, JSON.stringify(r.body));
  const id = (r.body.UHostIds as string[])[0]!;
  await waitHostState(c, id, 'Running');
  return id;
}

/**
 * The wait is long because a host made from a multi-GiB image on S3 writes its whole disk
 * first (crash-recovery does that), and CI machines may be busy; a healthy run ends early.
 */
export async function waitHostState(c: UCloudTestClient, id: string, state: string, timeoutMs = 180_000): Promise<Record<string, unknown>> {
  return waitFor(
    `host ${id} ${state}`,
    async () => {
      const r = await c.call('DescribeUHostInstance', { UHostIds: [id] });
      const host = (r.body.UHostSet as Record<string, unknown>[] | undefined)?.[0];
      if (host?.State === 'Install Fail') throw new Error(`host ${id} failed to install`);
      return host?.State === state ? host : undefined;
    },
    timeoutMs,
  );
}

export async function stopHost(c: UCloudTestClient, id: string): Promise<void> {
  const r = await c.call('StopUHostInstance', { UHostId: id });
  assert.equal(r.body.RetCode, 0, JSON.stringify(r.body));
  await waitHostState(c, id, 'Stopped');
}

/**
 * Polls DescribeImage until the image leaves Making; returns its ImageSet entry. `where`
 * names the Region (or ProjectId) it is listed in when not the client's.
 */
export async function waitImageSettled(
  c: UCloudTestClient,
  imageId: string,
  timeoutMs = 120_000,
  where: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  return waitFor(
    `image ${imageId}`,
    async () => {
      const r = await c.call('DescribeImage', { ImageId: imageId, ...where });
      const img = (r.body.ImageSet as Record<string, unknown>[] | undefined)?.[0];
      return img && img.State !== 'Making' ? img : undefined;
    },
    timeoutMs,
  );
}

export async function diskPath(k: KilnProcess, hostId: string, index = 0): Promise<string> {
  return k.diskPath(hostId, index);
}
