import { KilnError, type CoreField } from '../errors.ts';
import type { Image, Principal } from '../model.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import type { Product } from '../products.ts';
import type { ImageService } from './image-service.ts';

/** Accounts to grant an image to and to take it back from, in one change. */
export interface ShareChange {
  imageId: string;
  add: string[];
  remove: string[];
}

export interface SharedListRequest {
  imageIds?: string[];
  zone?: string;
  offset: number;
  limit: number;
}

export interface ShareAccount {
  accountId: string;
  accountName: string;
}

/**
 * Sharing an image with named accounts. A grantee may create and reinstall instances
 * from the image and fill data disks from its snapshots (instances/image-access.ts checks
 * grants) and nothing else: every change, copy, publication or
 * further share goes through ImageService.getOwned, which only the owner passes, and the
 * grantee's own custom listing is its project's images only.
 */
export class ImageGrants {
  constructor(
    private readonly deps: { store: MetadataStore },
    private readonly images: ImageService,
  ) {}

  /**
   * Applies a change all or nothing: if any named account is the owner's own or does not
   * exist, nothing is changed and the error says which.
   */
  async modify(p: Principal, product: Product, change: ShareChange): Promise<void> {
    if (change.add.length === 0 && change.remove.length === 0) {
      throw new KilnError('MissingParameter', 'name accounts to add or to remove', 'addAccountIds');
    }
    const both = change.add.filter((id) => change.remove.includes(id));
    if (both.length > 0) throw new KilnError('InvalidParameter', `account ${both[0]} is both added and removed`, 'removeAccountIds');
    const image = await this.images.getOwned(p, product, change.imageId);
    if (image.kind !== 'custom') throw new KilnError('ImageNotCustom', `image ${image.id} is not a custom image`, 'imageId');
    if (change.add.length > 0 && image.state !== 'available') {
      throw new KilnError('ImageNotAvailable', `image ${image.id} is ${image.state}; only an available image can be shared`, 'imageId');
    }
    const invalid: { id: string; field: CoreField }[] = [];
    for (const [ids, field] of [
      [change.add, 'addAccountIds'],
      [change.remove, 'removeAccountIds'],
    ] as const) {
      // The owner's account exists: "no such account" would send the caller looking for a typo.
      if (ids.includes(image.accountId ?? '')) {
        throw new KilnError(
          'InvalidParameter',
          `an image cannot be shared with its owner: account ${image.accountId} owns ${image.id}; nothing was changed`,
          field,
        );
      }
      for (const id of new Set(ids)) {
        if (!(await this.deps.store.accounts.byId(id))) invalid.push({ id, field });
      }
    }
    if (invalid.length > 0) {
      throw new KilnError(
        'ShareAccountNotFound',
        `no such account to share with: ${invalid.map((x) => x.id).join(', ')}; nothing was changed`,
        invalid[0]!.field,
      );
    }
    await this.deps.store.transaction(async (tx) => {
      await tx.shares.grant(image.id, [...new Set(change.add)]);
      await tx.shares.revoke(image.id, [...new Set(change.remove)]);
    });
  }

  /** The accounts an image of the caller's is shared with, oldest grant first. */
  async accounts(p: Principal, product: Product, imageId: string): Promise<ShareAccount[]> {
    const image = await this.images.getOwned(p, product, imageId);
    const ids = await this.deps.store.shares.accountsOf(image.id);
    const out: ShareAccount[] = [];
    for (const accountId of ids) out.push({ accountId, accountName: (await this.deps.store.accounts.byId(accountId))?.name ?? '' });
    return out;
  }

  /** Images other accounts shared with the caller's account, oldest grant first. */
  async sharedWithMe(p: Principal, product: Product, req: SharedListRequest): Promise<{ items: Image[]; total: number }> {
    const q = { accountId: p.accountId, product, ...req };
    const [items, total] = await Promise.all([this.deps.store.shares.listSharedWith(q), this.deps.store.shares.countSharedWith(q)]);
    return { items, total };
  }
}
