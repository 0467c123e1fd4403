import type { KilnConfig } from '../config/config.ts';
import type { AccountService } from '../core/accounts/account-service.ts';
import type { ReplayGuard } from '../core/accounts/replay-guard.ts';
import type { TokenService } from '../core/accounts/token-service.ts';
import type { ImageCatalogue } from '../core/images/image-catalogue.ts';
import type { ImageService } from '../core/images/image-service.ts';
import type { ImageReplication } from '../core/images/image-replication.ts';
import type { ImageCopies } from '../core/images/image-copies.ts';
import type { ImageGrants } from '../core/images/image-grants.ts';
import type { InstanceService } from '../core/instances/instance-service.ts';

/** What dialects may call: core services only, never stores or drivers directly. */
export interface KilnServices {
  config: KilnConfig;
  accounts: AccountService;
  tokens: TokenService;
  /** Signatures already used (Zenlayer), shared by every API process. */
  replays: ReplayGuard;
  images: ImageService;
  /** Copies of images under new ids, in other projects and regions. */
  imageCopies: ImageCopies;
  /** Grants of an image to named accounts (CompShare share accounts). */
  imageGrants: ImageGrants;
  /** The official and community catalogues every account sees, and publishing into the latter. */
  catalogue: ImageCatalogue;
  instances: InstanceService;
  /** Copies of an image in other regions under the same id (ZEC). */
  imageReplication: ImageReplication;
}
