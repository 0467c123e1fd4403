/**
 * Every file generated from the dialects' descriptions, by path relative to the repository
 * root. `npm run docs` writes them; test/unit/generate/generated-files.test.ts fails
 * when a checked-in copy differs, so docs and SDK types cannot go stale.
 */
import { dialects } from '../dialects/registry.ts';
import { conceptsPage } from '../docs-site/concepts-page.ts';
import { renderDialectPage } from './dialect-page.ts';
import { indexPage } from './index-page.ts';
import { sdkProductFile } from './sdk-types.ts';

export function generatedFiles(): Record<string, string> {
  const files: Record<string, string> = { 'docs/README.md': indexPage(), 'docs/concepts.md': conceptsPage() };
  for (const d of dialects) files[`docs/${d.reference.file}`] = renderDialectPage(d.reference.page);
  for (const d of dialects) {
    for (const target of d.sdk) files[`packages/sdk/src/generated/${target.product}.ts`] = sdkProductFile(target);
  }
  return files;
}
