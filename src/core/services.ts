import type { KilnConfig } from '../config/config.ts';
import type { AccountService } from './accounts/account-service.ts';
import type { ReplayGuard } from './accounts/replay-guard.ts';
import type { TokenService } from './accounts/token-service.ts';
import type { ImageCatalogue } from './images/image-catalogue.ts';
import type { ImageService } from './images/image-service.ts';
import type { ImageShareService } from './images/image-share-service.ts';
import type { ImageReplication } from './images/image-replication.ts';
import type { ImageSharing } from './images/image-sharing.ts';
import type { InstanceService } from './instances/instance-service.ts';

/** What dialects may call: core services only, never stores or drivers directly. */
export interface KilnServices {
  config: KilnConfig;
  accounts: AccountService;
  tokens: TokenService;
  /** Signatures already used (Zenlayer), shared by every API process. */
  replays: ReplayGuard;
  images: ImageService;
  /** Copies and the community catalogue of public images. */
  imageSharing: ImageSharing;
  /** Grants of an image to named accounts (CompShare share accounts). */
  imageShares: ImageShareService;
  /** The official and community catalogues every account sees. */
  catalogue: ImageCatalogue;
  instances: InstanceService;
  /** Copies of an image in other regions under the same id (ZEC). */
  imageReplication: ImageReplication;
}
