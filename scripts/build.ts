/**
 * `npm run build` (and `prepare`, so `npm ci` runs it): the TypeScript sources compiled to
 * plain ESM that Node runs without a loader.
 *
 *   dist/**           src/**, file for file, so paths resolved from import.meta.url (the
 *                     hash worker, anything read beside a module) are the same depth as in src
 *   dist/sdk/**       the SDK's sources: the CLI's own compiled copy, so the installed CLI
 *                     needs no SDK package beside it
 *   packages/sdk/dist the SDK package's build (JS and declarations), as `npm pack` ships it
 *
 * esbuild only strips types (the type check is `npm run typecheck`); each file is its own
 * output, with its relative `.ts` imports pointed at the `.js` beside it.
 */
import { build, type Plugin } from 'esbuild';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { distDir, fingerprintFile, repoRoot, sourceFingerprint } from './build-fingerprint.ts';

const sdkName = 'kiln-images-sdk';
const sdkSrc = join(repoRoot, 'packages/sdk/src');

function sourcesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(ext) && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f));
}

function toJs(specifier: string): string {
  return specifier.replace(/\.ts$/, '.js');
}

/** Every import stays an import: relative ones to the compiled file, the SDK to dist/sdk. */
function fileForFile(srcRoot: string): Plugin {
  return {
    name: 'file-for-file',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        if (args.path.startsWith('.')) return { path: toJs(args.path), external: true };
        if (args.path === sdkName) {
          const fromOut = join(distDir, relative(srcRoot, args.resolveDir));
          let rel = relative(fromOut, join(distDir, 'sdk/index.js')).split('\\').join('/');
          if (!rel.startsWith('.')) rel = `./${rel}`;
          return { path: rel, external: true };
        }
        return { path: args.path, external: true };
      });
    },
  };
}

async function compile(srcRoot: string, outdir: string): Promise<void> {
  await build({
    entryPoints: sourcesUnder(srcRoot, '.ts'),
    outbase: srcRoot,
    outdir,
    bundle: true,
    plugins: [fileForFile(srcRoot)],
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
}

const started = Date.now();
rmSync(distDir, { recursive: true, force: true });
rmSync(join(repoRoot, 'packages/sdk/dist'), { recursive: true, force: true });
// A src/sdk folder would land in dist/sdk and collide with the SDK's compiled copy.
if (readdirSync(join(repoRoot, 'src')).includes('sdk')) throw new Error('src/sdk would collide with dist/sdk (the compiled SDK): rename one');
const fingerprint = sourceFingerprint();
await Promise.all([
  compile(join(repoRoot, 'src'), distDir),
  compile(sdkSrc, join(distDir, 'sdk')),
  promisify(execFile)(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', join(repoRoot, 'packages/sdk/tsconfig.build.json')]),
]);
// Files read by path at run time, copied beside their module: plain JavaScript (worker
// threads) and the console's templates, script and style.
for (const ext of ['.mjs', '.eta', '.js', '.css']) {
  for (const f of sourcesUnder(join(repoRoot, 'src'), ext)) {
    const out = join(distDir, relative(join(repoRoot, 'src'), f));
    mkdirSync(dirname(out), { recursive: true });
    copyFileSync(f, out);
  }
}
writeFileSync(fingerprintFile, `${fingerprint}\n`);
process.stdout.write(`built dist/ and packages/sdk/dist in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
