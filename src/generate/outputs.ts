/**
 * Every file generated from the action registries, by path relative to the repository
 * root. `npm run docs` writes them; test/unit/generate/generated-files.test.ts fails
 * when a checked-in copy differs, so docs and SDK types cannot go stale.
 */
import { ucloudPage } from './ucloud-page.ts';
import { zenlayerPage } from './zenlayer-page.ts';

export function generatedFiles(): Record<string, string> {
  return {
    'docs/ucloud.md': ucloudPage(),
    'docs/zenlayer.md': zenlayerPage(),
  };
}
