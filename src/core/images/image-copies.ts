import type { KilnConfig } from '../../config/config.ts';
import { KilnError, renamedParam } from '../errors.ts';
import type { MetadataStore, Repositories } from '../ports/metadata-store.ts';
import { newId } from '../ids.ts';
import type { Attributes, Image, Principal } from '../model.ts';
import { policyOf, type Product } from '../products.ts';
import type { ResourceIds } from '../resource-ids.ts';
import type { CopyJobPayload } from '../jobs/job-payloads.ts';
import { PublishedAtAttribute } from './image-catalogue.ts';
import type { ImageService } from './image-service.ts';
import { refuseTakenName } from './unique-name.ts';

export interface CopyRequest {
  /** The copy's name; `<source name>-copy-<random>` when absent. */
  name?: string;
  /** The copy's description; the source's when absent. */
  description?: string;
  /** Merged over the source's attributes; an undefined value drops that attribute. */
  attributes?: Attributes;
}

/** Where a copy goes: a project of the caller's account, in a region (and its zone) or the source's. */
export interface CopyTarget {
  projectId: string;
  place?: { region: string; zone: string };
}

/** A copy made by copyAcross: its image (still `making`, in its target region) and the job that commits it. */
export interface PendingCopy {
  image: Image;
  jobId: string;
}

/**
 * Copies of the caller's custom images under new ids, in its projects and regions. A
 * copy shares the source's chunks; only the owner copies an image (ImageService.getOwned).
 */
export class ImageCopies {
  constructor(
    private readonly deps: { store: MetadataStore; config: KilnConfig; ids: ResourceIds },
    private readonly images: ImageService,
  ) {}

  /**
   * A new private image with the source's content, made instantly: its manifest (and
   * those of its data-disk snapshots) are copies of the source's rows, so the copy
   * references the same chunks and no chunk data is read or written.
   */
  async copy(p: Principal, product: Product, sourceId: string, req: CopyRequest = {}): Promise<Image> {
    const source = await this.copySource(p, product, sourceId);
    const name = req.name ?? `${source.name}-copy-${newId('', 6)}`;
    try {
      return await this.deps.store.transaction(async (tx) => {
        const { copy, pairs } = await this.insertCopy(
          tx,
          p,
          product,
          source,
          { ...req, name },
          { region: source.region, zone: source.zone, projectId: p.projectId },
          'available',
        );
        // The source may have been deleted since it was read; then there is nothing to share.
        for (const { from, to } of pairs) {
          if (!(await tx.images.copyManifest(from, to))) throw new KilnError('ImageNotAvailable', `image ${sourceId} is no longer available`, 'imageId');
        }
        return copy;
      });
    } catch (e) {
      throw renamedParam(e, 'NameTaken', 'name');
    }
  }

  /**
   * Copies of an image in other regions and/or projects of the caller's account, one per
   * target, all or none. Each is `making` until a copy job commits it (sharing the
   * source's chunks, so the job moves no data). A target in the source's own region and
   * project is a duplicate under a new id, as AWS CopyImage within one region; a project
   * of another account is refused.
   */
  async copyAcross(p: Principal, product: Product, sourceId: string, targets: CopyTarget[], req: CopyRequest = {}): Promise<PendingCopy[]> {
    const source = await this.copySource(p, product, sourceId);
    const name = req.name ?? source.name;
    return this.deps.store.transaction(async (tx) => {
      const made: PendingCopy[] = [];
      for (const target of targets) {
        if (target.projectId !== p.projectId && !(await tx.accounts.projectBelongsTo(target.projectId, p.accountId))) {
          throw new KilnError('ProjectNotFound', `project ${target.projectId} does not exist`);
        }
        const place = target.place ?? { region: source.region, zone: source.zone };
        const { copy, pairs } = await this.insertCopy(tx, p, product, source, { ...req, name }, { projectId: target.projectId, ...place }, 'making');
        const jobId = newId('job-');
        const payload: CopyJobPayload = { copies: pairs };
        await tx.jobs.enqueue({ id: jobId, kind: 'copy', imageId: copy.id, accountId: copy.accountId, payload });
        made.push({ image: copy, jobId });
      }
      return made;
    });
  }

  /** The caller's own available custom image, as every copy starts from. */
  private async copySource(p: Principal, product: Product, sourceId: string): Promise<Image> {
    const source = await this.images.getOwned(p, product, sourceId);
    if (source.kind !== 'custom') throw new KilnError('ImageNotCustom', `image ${sourceId} is not a custom image`, 'imageId');
    if (source.state !== 'available') throw new KilnError('ImageNotAvailable', `image ${sourceId} is not available (${source.state})`, 'imageId');
    return source;
  }

  /**
   * Inserts the copy of `source` (and of its data-disk snapshots) at `target`, taking a
   * quota slot; returns the (source, copy) pairs whose content is still to be shared.
   */
  private async insertCopy(
    tx: Repositories,
    p: Principal,
    product: Product,
    source: Image,
    req: CopyRequest & { name: string },
    target: { projectId: string; region: string; zone: string },
    state: Image['state'],
  ): Promise<{ copy: Image; pairs: { from: string; to: string }[] }> {
    const policy = policyOf(product);
    await refuseTakenName(tx, p, product, req.name);
    await tx.quota.take(p.accountId, product, this.deps.config.quotas.customImagesPerAccount);
    const now = Date.now();
    const sourceSnapshots = await tx.images.listByParent(source.id);
    const snapshotIds = sourceSnapshots.map(() => this.deps.ids.snapshot(product));
    const placed = { accountId: p.accountId, projectId: target.projectId, region: target.region, zone: target.zone, state, createdAt: now, updatedAt: now };
    // A copy still being made must not name the source's instance: deleting it cancels
    // its job, and that would release a capture's hold on the instance.
    const making = state === 'making' ? { sourceInstanceId: null, storedSize: 0 } : {};
    const copy: Image = {
      ...source,
      ...placed,
      ...making,
      id: this.deps.ids.image(product),
      name: req.name,
      description: req.description ?? source.description,
      visibility: 'private',
      attributes: dropUndefined({
        ...source.attributes,
        [PublishedAtAttribute]: undefined,
        ...(snapshotIds.length > 0 ? { dataSnapshotIds: snapshotIds } : {}),
        ...(req.attributes ?? {}),
        copiedFrom: source.id,
      }),
    };
    await tx.images.insert(copy, { uniqueName: policy.uniqueImageNames });
    const pairs = [{ from: source.id, to: copy.id }];
    for (const [i, snap] of sourceSnapshots.entries()) {
      await tx.images.insert({ ...snap, ...placed, ...making, id: snapshotIds[i]!, parentImageId: copy.id }, { uniqueName: false });
      pairs.push({ from: snap.id, to: snapshotIds[i]! });
    }
    return { copy, pairs };
  }
}

function dropUndefined(a: Attributes): Attributes {
  return Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined));
}
