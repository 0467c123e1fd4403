import type { ConsolePage } from './console-page.ts';
import { assetRoutes } from './shell/asset-routes.ts';
import { signInPage } from './sign-in/sign-in-page.ts';
import { imageListPage } from './images/image-list-page.ts';
import { imagePage } from './images/image-page.ts';
import { imageEvents } from './images/image-events.ts';
import { imageActions } from './images/image-actions.ts';
import { instancePages } from './instances/instance-pages.ts';
import { communityPages } from './community/community-pages.ts';
import { operatorPages } from './operator/operator-pages.ts';

/**
 * Every page of the console, registered in this order. A new page is a folder of its own
 * (routes file + templates under src/console/templates/<folder>/) and one line here.
 */
export const consolePages: readonly ConsolePage[] = [
  assetRoutes,
  signInPage,
  imageListPage,
  imagePage,
  imageEvents,
  imageActions,
  instancePages,
  communityPages,
  operatorPages,
];
