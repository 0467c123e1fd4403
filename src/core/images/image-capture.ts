import { KilnError, renamedParam } from '../errors.ts';
import { newId } from '../ids.ts';
import { beginImaging } from '../instances/instance-lifecycle.ts';
import type { Attributes, Image, Instance, Principal } from '../model.ts';
import type { Repositories } from '../ports/metadata-store.ts';
import { policyOf, type Product } from '../products.ts';
import type { ImageDeps } from './image-service.ts';
import { newImage } from './new-image.ts';
import { refuseTakenName } from './unique-name.ts';

export interface CaptureRequest {
  instanceId: string;
  name: string;
  description?: string;
  dataDiskIds?: string[];
  attributes?: Attributes;
}

/** Starts a capture of a stopped instance; the image is `making` until the job commits it. */
export async function startCapture(deps: ImageDeps, p: Principal, product: Product, req: CaptureRequest): Promise<{ image: Image; snapshots: Image[] }> {
  const policy = policyOf(product);
  try {
    return await deps.store.transaction(async (tx) => {
      const instance = await tx.instances.get(req.instanceId);
      if (!instance || instance.projectId !== p.projectId || instance.product !== product) {
        throw new KilnError('InstanceNotFound', `instance ${req.instanceId} does not exist`);
      }
      await refuseTakenName(tx, p, product, req.name);
      if (instance.gpuCount > 0 && !policy.gpuInstancesMayBeImaged) {
        throw new KilnError('GpuInstanceNotSupported', `instance ${instance.id} is a GPU instance; GPU instances cannot be imaged`);
      }
      if (instance.operation !== null) {
        throw new KilnError('InstanceBusy', `instance ${instance.id} is busy (${instance.operation})`);
      }
      // Still being deployed (its disks are being written): busy, not merely in the wrong
      // state, as terminate() also treats it.
      if (instance.state === 'initializing') {
        throw new KilnError('InstanceBusy', `instance ${instance.id} is still being deployed; wait until it is created`);
      }
      if (instance.state !== 'stopped') {
        throw new KilnError('InstanceNotStopped', `instance ${instance.id} is ${instance.state}; stop it before making an image`);
      }
      const disks = await tx.instances.disks(instance.id);
      const boot = disks.find((x) => x.isBoot);
      if (!boot) throw new KilnError('DiskNotFound', `instance ${instance.id} has no system disk`);
      const dataDisks = (req.dataDiskIds ?? []).map((id) => {
        const disk = disks.find((x) => x.id === id && !x.isBoot);
        if (!disk) throw new KilnError('DiskNotFound', `data disk ${id} is not attached to instance ${instance.id}`, 'dataDiskIds');
        return disk;
      });
      if (!(await beginImaging(tx, instance.id))) {
        // Another capture of this instance won. On PostgreSQL we waited on its row lock,
        // so it has committed and its name is visible now: when it took this name, say
        // so, as the serial order on SQLite would have.
        await refuseTakenName(tx, p, product, req.name);
        throw new KilnError('InstanceBusy', `instance ${instance.id} changed state; try again`);
      }
      await tx.quota.take(p.accountId, product, deps.config.quotas.customImagesPerAccount);
      const now = Date.now();
      const base = {
        product,
        accountId: p.accountId,
        projectId: p.projectId,
        region: instance.region,
        zone: instance.zone,
        osType: instance.osType,
        osName: instance.osName,
        sourceInstanceId: instance.id,
      };
      const snapshotIds = dataDisks.map(() => deps.ids.snapshot(product));
      const image = newImage(
        {
          ...base,
          id: deps.ids.image(product),
          kind: 'custom',
          name: req.name,
          description: req.description ?? '',
          virtualSize: boot.sizeBytes,
          parentImageId: null,
          // Kept on the image so listings need no extra query per row. Where the image
          // came from (source image, GPU model) is recorded for every product alike.
          attributes: {
            ...(req.attributes ?? {}),
            ...(await sourceOf(tx, instance)),
            ...(snapshotIds.length > 0 ? { dataSnapshotIds: snapshotIds } : {}),
          },
        },
        now,
      );
      await tx.images.insert(image, { uniqueName: policy.uniqueImageNames });
      const snapshots: Image[] = [];
      for (const [i, disk] of dataDisks.entries()) {
        const snap = newImage(
          {
            ...base,
            id: snapshotIds[i]!,
            kind: 'snapshot',
            name: `${req.name}-${disk.id}`,
            description: `data disk ${disk.id} of ${instance.id}`,
            virtualSize: disk.sizeBytes,
            parentImageId: image.id,
            attributes: { sourceDiskId: disk.id },
          },
          now,
        );
        await tx.images.insert(snap, { uniqueName: false });
        snapshots.push(snap);
      }
      // Capture reads the disks, so it runs on the node that holds them.
      await tx.jobs.enqueue({
        id: newId('job-'),
        kind: 'capture',
        imageId: image.id,
        accountId: image.accountId,
        instanceId: instance.id,
        nodeId: instance.nodeId,
        payload: { disks: [{ diskId: boot.id, imageId: image.id }, ...dataDisks.map((disk, i) => ({ diskId: disk.id, imageId: snapshots[i]!.id }))] },
      });
      return { image, snapshots };
    });
  } catch (e) {
    throw renamedParam(e, 'NameTaken', 'name');
  }
}

/** Neutral facts about a capture's source that dialects may show (e.g. the GPU model). */
async function sourceOf(tx: Repositories, instance: Instance): Promise<Attributes> {
  const source = await tx.images.get(instance.imageId);
  return {
    sourceImageId: instance.imageId,
    ...(source ? { sourceImageKind: source.kind } : {}),
    // The base image at the root of the lineage, which UHost reports as BasicImageId.
    ...(baseImageOf(source) ? { baseImageId: baseImageOf(source) } : {}),
    ...(instance.gpuType !== null ? { sourceGpuType: instance.gpuType, sourceGpuCount: instance.gpuCount } : {}),
  };
}

/** The base image an image descends from: itself if it is one, else what its capture recorded. */
export function baseImageOf(image: Image | undefined): string | undefined {
  if (!image) return undefined;
  if (image.kind === 'base') return image.id;
  const a = image.attributes;
  if (typeof a.baseImageId === 'string') return a.baseImageId;
  // Captured before the lineage was recorded: one level is known.
  return a.sourceImageKind === 'base' && typeof a.sourceImageId === 'string' ? a.sourceImageId : undefined;
}
