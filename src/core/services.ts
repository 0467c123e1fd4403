import type { KilnConfig } from '../config/config.ts';
import type { AccountService } from './accounts/account-service.ts';
import type { ReplayGuard } from './accounts/replay-guard.ts';
import type { TokenService } from './accounts/token-service.ts';
import type { ConsoleSessionService } from './accounts/console-sessions.ts';
import type { ImageCatalogue } from './images/image-catalogue.ts';
import type { ImageService } from './images/image-service.ts';
import type { ImageBrowser } from './images/image-browser.ts';
import type { ImageInsight } from './images/image-insight.ts';
import type { ImageReplication } from './images/image-replication.ts';
import type { ImageCopies } from './images/image-copies.ts';
import type { ImageGrants } from './images/image-grants.ts';
import type { InstanceService } from './instances/instance-service.ts';
import type { OperatorOverview } from './operator/operator-overview.ts';
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
  /** A project's images searched, filtered and paged by key (the web console's list). */
  imageBrowser: ImageBrowser;
  /** Where an image's bytes are, what it shares, its copies and jobs (the console's image page). */
  imageInsight: ImageInsight;
  /** The web console's sign-in and sessions. */
  consoleSessions: ConsoleSessionService;
  /** The whole installation as its operator (the admin account) reads it: accounts, jobs, nodes. */
  operator: OperatorOverview;
  /** Uploads of a disk image from a client's own file (Kiln's own endpoint). */
  uploads: UploadService;
}
