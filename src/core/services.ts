import type { KilnConfig } from '../config/config.ts';
import type { AccountService } from './accounts/account-service.ts';
import type { ReplayGuard } from './accounts/replay-guard.ts';
import type { TokenService } from './accounts/token-service.ts';
import type { ImageCatalogue } from './images/image-catalogue.ts';
import type { ImageService } from './images/image-service.ts';
import type { ImageReplication } from './images/image-replication.ts';
import type { ImageCopies } from './images/image-copies.ts';
import type { ImageGrants } from './images/image-grants.ts';
import type { InstanceService } from './instances/instance-service.ts';
import type { UploadService } from './uploads/upload-service.ts';

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
  /** Uploads of a disk image from a client's own file (Kiln's own endpoint). */
  uploads: UploadService;
}
