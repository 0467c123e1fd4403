import assert from 'node:assert/strict';
import type { KilnProcess } from './kiln-process.ts';
import { waitFor } from './kiln-process.ts';
import { UCloudTestClient } from './ucloud-client.ts';

/** Steps of the CompShare workflow that several tests share. Every call names the zone, as CompShare requires. */
export const ZONE = 'cn-bj2-04';

export type Body = Record<string, unknown>;

export async function cs(c: UCloudTestClient, action: string, params: Record<string, unknown> = {}): Promise<Body> {
  return (await c.call(action, { Zone: ZONE, ...params })).body;
}

/** Calls an action that must succeed; fails the test with the answer otherwise. */
export async function ok(c: UCloudTestClient, action: string, params: Record<string, unknown> = {}): Promise<Body> {
  const body = await cs(c, action, params);
  assert.equal(body.RetCode, 0, `${action}: ${JSON.stringify(body)}`);
  return body;
}

/** A second, ordinary account with its own signing client. */
export async function otherAccount(k: KilnProcess, name: string): Promise<{ client: UCloudTestClient; accountId: string }> {
  const a = JSON.parse(await k.cli(['account', 'create', name, '--json'])) as { accountId: string; publicKey: string; privateKey: string };
  return { client: new UCloudTestClient({ baseUrl: k.baseUrl, publicKey: a.publicKey, privateKey: a.privateKey, region: 'cn-bj2' }), accountId: a.accountId };
}

export async function addCompShareBase(k: KilnProcess, file: string, name: string): Promise<string> {
  const out = JSON.parse(await k.cli(['image', 'add-base', file, '--name', name, '--os-type', 'Linux', '--product', 'compshare', '--json'])) as {
    imageId: string;
  };
  return out.imageId;
}

export async function createGpuHost(c: UCloudTestClient, imageId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const body = await ok(c, 'CreateCompShareInstance', {
    CompShareImageId: imageId,
    MachineType: 'G',
    GpuType: '4090',
    GPU: 1,
    CPU: 16,
    Memory: 65536,
    Disks: [{ IsBoot: 'True', Type: 'CLOUD_SSD', Size: 1 }],
    ...extra,
  });
  const id = (body.UHostIds as string[])[0]!;
  await waitGpuHostState(c, id, 'Running');
  return id;
}

export async function waitGpuHostState(c: UCloudTestClient, id: string, state: string): Promise<Body> {
  return waitFor(`host ${id} ${state}`, async () => {
    const body = await cs(c, 'DescribeCompShareInstance', { UHostIds: [id] });
    const host = (body.UHostSet as Body[] | undefined)?.[0];
    if (host?.State === 'Install Fail') throw new Error(`host ${id} failed to install`);
    return host?.State === state ? host : undefined;
  });
}

export async function stopGpuHost(c: UCloudTestClient, id: string): Promise<void> {
  await ok(c, 'StopCompShareInstance', { UHostId: id });
  await waitGpuHostState(c, id, 'Stopped');
}

export async function describeImage(c: UCloudTestClient, id: string): Promise<Body | undefined> {
  const body = await ok(c, 'DescribeCompShareCustomImages', { CompShareImageId: id });
  return (body.ImageSet as Body[])[0];
}

export async function waitImageAvailable(c: UCloudTestClient, id: string): Promise<Body> {
  return waitFor(`image ${id} Available`, async () => {
    const img = await describeImage(c, id);
    if (img?.Status === 'UnAvailable') throw new Error(`image ${id} failed: ${String(img.FailedReason)}`);
    return img?.Status === 'Available' ? img : undefined;
  });
}

export async function diskPath(k: KilnProcess, hostId: string, index = 0): Promise<string> {
  return k.diskPath(hostId, index);
}
