import type { Image, Job, Principal } from '../model.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import type { Product } from '../products.ts';
import type { ImageService } from './image-service.ts';

/** One place an image's content is: its own region, a copy under another id, or a replica under the same id (ZEC). */
export interface ImagePlace {
  region: string;
  /** The copy's own id; the image's id for its own region and for replicas. */
  imageId: string;
  projectId: string | null;
  state: Image['state'] | 'syncing' | 'failed';
  error: string | null;
}

export interface ImageFacts {
  image: Image;
  /** Bytes of the image's chunks that other images reference too (deduplicated with them). */
  sharedBytes: number;
  /** Bytes of the image's distinct chunks. */
  chunkBytes: number;
  places: ImagePlace[];
  jobs: Job[];
}

/**
 * What an image page shows that no vendor console does: where the image's bytes are, how
 * much of them it shares with other images, every copy and the jobs that made it. Only
 * the owner sees these (ImageService.getOwned): another tenant's id answers like a missing one.
 */
export class ImageInsight {
  constructor(
    private readonly deps: { store: MetadataStore },
    private readonly images: ImageService,
  ) {}

  async facts(p: Principal, product: Product, id: string): Promise<ImageFacts> {
    const image = await this.images.getOwned(p, product, id);
    const [sharing, jobs, copies, replicas] = await Promise.all([
      this.deps.store.imageInsights.chunkSharing(id),
      this.deps.store.imageInsights.jobsOf(id),
      this.deps.store.imageInsights.copiesOf(p.accountId, id),
      this.deps.store.replicas.of([id]),
    ]);
    const places: ImagePlace[] = [
      { region: image.region, imageId: image.id, projectId: image.projectId, state: image.state, error: image.failedReason },
      ...replicas.map((r) => ({ region: r.region, imageId: id, projectId: image.projectId, state: r.state, error: r.error })),
      ...copies.map((c) => ({ region: c.region, imageId: c.id, projectId: c.projectId, state: c.state, error: c.failedReason })),
    ];
    // The last chunk may be shorter than chunkSize: the figures never pass the virtual size.
    const cap = (n: number) => Math.min(n * sharing.chunkSize, image.virtualSize);
    return { image, sharedBytes: cap(sharing.shared), chunkBytes: cap(sharing.chunks), places, jobs };
  }
}
