/**
 * Every file generated from the action registries, by path relative to the repository
 * root. `npm run docs` writes them; test/unit/generate/generated-files.test.ts fails
 * when a checked-in copy differs, so docs and SDK types cannot go stale.
 */
import { ucloudActions } from '../dialects/ucloud/actions/index.ts';
import { zecActions } from '../dialects/zenlayer/actions/index.ts';
import { conceptsPage } from '../docs-site/concepts-page.ts';
import { sdkProductFile } from './sdk-types.ts';
import { indexPage } from './index-page.ts';
import { ucloudPage } from './ucloud-page.ts';
import { zenlayerPage } from './zenlayer-page.ts';

export function generatedFiles(): Record<string, string> {
  return {
    'docs/README.md': indexPage(),
    'docs/concepts.md': conceptsPage(),
    'docs/ucloud.md': ucloudPage(),
    'docs/zenlayer.md': zenlayerPage(),
    'packages/sdk/src/generated/uhost.ts': sdkProductFile({ product: 'uhost', prefix: 'UHost', dialect: 'ucloud', actions: ucloudActions.filter((a) => a.product === 'uhost') }),
    'packages/sdk/src/generated/compshare.ts': sdkProductFile({ product: 'compshare', prefix: 'CompShare', dialect: 'ucloud', actions: ucloudActions.filter((a) => a.product === 'compshare') }),
    'packages/sdk/src/generated/zec.ts': sdkProductFile({ product: 'zec', prefix: 'Zec', dialect: 'zenlayer', actions: zecActions }),
  };
}
