import type { Static } from '@sinclair/typebox';
import type { Image } from '../../../core/model.ts';
import type { ImageReplica } from '../../../core/ports/metadata-store.ts';
import { toZecCustomImage, zecImageStatus, type ZecCustomImage, type ZecImageStatus } from './zec-image.ts';

const replicaStatus = { syncing: 'SYNCING', available: 'AVAILABLE', failed: 'FAILED' } as const satisfies Record<ImageReplica['state'], ZecImageStatus>;

/**
 * A custom image as ZEC shows it with its copies in other regions (copy-image.yaml): in
 * a target region the image is SYNCING, then AVAILABLE or FAILED; listed across regions
 * it is SYNCING while any copy runs; regionIdList names its region and every region
 * with a copy that is not failed. Undefined when `regionId` is a region it is not in.
 */
export function zecRegionalImage(image: Image, replicas: ImageReplica[], regionId?: string): Static<typeof ZecCustomImage> | undefined {
  let status: ZecImageStatus;
  if (regionId === undefined) {
    status = replicas.some((r) => r.state === 'syncing') ? 'SYNCING' : zecImageStatus(image);
  } else if (regionId === image.region) {
    status = zecImageStatus(image);
  } else {
    const copy = replicas.find((r) => r.region === regionId);
    if (!copy) return undefined;
    status = replicaStatus[copy.state];
  }
  const regionIdList = [image.region, ...replicas.filter((r) => r.state !== 'failed').map((r) => r.region)];
  return { ...toZecCustomImage(image), regionIdList, imageStatus: status };
}
