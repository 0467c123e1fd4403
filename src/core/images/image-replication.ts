import { KilnError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Image, Principal } from '../model.ts';
import type { ImageReplica, MetadataStore } from '../ports/metadata-store.ts';
import type { ReplicateJobPayload } from '../jobs/job-payloads.ts';
import type { Product } from '../products.ts';
import type { ImageService } from './image-service.ts';

/** A region an image may be copied to, with the zone its copy is reported in. */
export interface RegionPlace {
  region: string;
  zone: string;
}

/** Where an image is, region by region: its own region, then each copy. */
export interface ImageRegions {
  image: Image;
  replicas: ImageReplica[];
}

/** A copy still being made, with how far its job got. */
export interface ReplicaProgress {
  region: string;
  queued: boolean;
  done: number;
  total: number;
  error: string | null;
}

/**
 * Copies of one image in other regions under the same id (ZEC CopyImage). A copy is
 * syncing until its job has checked every chunk of the image can be read where the
 * copy lives, then available, or failed with why. One copy per region at a time; while
 * any copy syncs, the image cannot be copied again or have copies deleted.
 */
export class ImageReplication {
  constructor(
    private readonly deps: { store: MetadataStore },
    private readonly images: ImageService,
  ) {}

  /** Starts copies of an available custom image to `targets`, all or none; returns their job ids by region. */
  async copyToRegions(p: Principal, product: Product, imageId: string, targets: RegionPlace[]): Promise<Map<string, string>> {
    const image = await this.ownedCustom(p, product, imageId);
    if (image.state !== 'available') throw new KilnError('ImageNotAvailable', `image ${imageId} is ${image.state}; only an available image can be copied`);
    return this.deps.store.transaction(async (tx) => {
      await tx.replicas.hold(imageId);
      const replicas = await tx.replicas.of([imageId]);
      if (replicas.some((r) => r.state === 'syncing')) throw new KilnError('ImageBusy', `image ${imageId} is being copied; wait until the copy ends`);
      const jobs = new Map<string, string>();
      for (const t of targets) {
        if (t.region === image.region) throw new KilnError('CopyToSource', `image ${imageId} is already in region ${t.region}`);
        const jobId = newId('job-');
        // False when a copy is already there (available): a second one is refused.
        if (!(await tx.replicas.start(imageId, t.region, jobId)))
          throw new KilnError('CopyToSource', `image ${imageId} already has a copy in region ${t.region}`);
        const payload: ReplicateJobPayload = { imageId, region: t.region };
        await tx.jobs.enqueue({ id: jobId, kind: 'replicate', imageId, accountId: image.accountId, payload });
        jobs.set(t.region, jobId);
      }
      return jobs;
    });
  }

  /** The copies of `images` (custom ones; base images have none), by image id. Callers pass images the caller may see. */
  async regionsOf(images: Image[]): Promise<Map<string, ImageReplica[]>> {
    const out = new Map<string, ImageReplica[]>();
    for (const r of await this.deps.store.replicas.of(images.filter((i) => i.kind === 'custom').map((i) => i.id))) {
      out.set(r.imageId, [...(out.get(r.imageId) ?? []), r]);
    }
    return out;
  }

  /** Whether a copy of the image is being made (it may then be neither deleted nor copied again). */
  async isSyncing(imageId: string): Promise<boolean> {
    return (await this.deps.store.replicas.of([imageId])).some((r) => r.state === 'syncing');
  }

  /** Progress of the copies of one of the caller's images that are still syncing. */
  async progress(p: Principal, product: Product, imageId: string): Promise<ReplicaProgress[]> {
    await this.ownedCustom(p, product, imageId);
    const syncing = (await this.deps.store.replicas.of([imageId])).filter((r) => r.state === 'syncing');
    const out: ReplicaProgress[] = [];
    for (const r of syncing) {
      const job = r.jobId ? await this.deps.store.jobs.get(r.jobId) : undefined;
      out.push({
        region: r.region,
        queued: !job || job.state === 'queued',
        done: job?.progressDone ?? 0,
        total: job?.progressTotal ?? 0,
        error: job?.error ?? null,
      });
    }
    return out;
  }

  /**
   * Deletes the image's copies in `regions` (its own region included, when another
   * region keeps an available copy: that copy becomes the image's region). Refused while
   * a copy syncs or the image is not available, for a region the image is not in, and
   * when no available copy would be left.
   */
  async deleteCopies(p: Principal, product: Product, imageId: string, regions: string[], zoneOf: (region: string) => string): Promise<void> {
    const image = await this.ownedCustom(p, product, imageId);
    if (image.state !== 'available') throw new KilnError('ImageBusy', `image ${imageId} is ${image.state}; copies can be deleted only from an available image`);
    await this.deps.store.transaction(async (tx) => {
      await tx.replicas.hold(imageId);
      const replicas = await tx.replicas.of([imageId]);
      if (replicas.some((r) => r.state === 'syncing')) throw new KilnError('ImageBusy', `image ${imageId} is being copied; wait until the copy ends`);
      const present = new Set([image.region, ...replicas.map((r) => r.region)]);
      const unknown = regions.find((r) => !present.has(r));
      if (unknown !== undefined) throw new KilnError('InvalidParameter', `image ${imageId} has no copy in region ${unknown}`);
      const kept = [image.region, ...replicas.filter((r) => r.state === 'available').map((r) => r.region)].filter((r) => !regions.includes(r));
      if (kept.length === 0) throw new KilnError('InvalidParameter', `image ${imageId} must keep a copy in at least one region`);
      await tx.replicas.remove(
        imageId,
        regions.filter((r) => r !== image.region),
      );
      if (regions.includes(image.region)) await tx.replicas.rehome(imageId, kept[0]!, zoneOf(kept[0]!));
    });
  }

  private async ownedCustom(p: Principal, product: Product, imageId: string): Promise<Image> {
    const image = await this.images.getOwned(p, product, imageId);
    if (image.kind !== 'custom') throw new KilnError('ImageNotCustom', `image ${imageId} is not a custom image`);
    return image;
  }
}
