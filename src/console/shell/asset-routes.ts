import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { KilnError } from '../../core/errors.ts';
import { PUBLIC_ROUTE, type ConsolePage } from '../console-page.ts';

const require = createRequire(import.meta.url);

/**
 * The console's script and style, served from this origin (the CSP allows nothing else):
 * htmx straight from its npm package, and the console's own few lines (upload.js: the
 * browser upload). No build step.
 */
const assets: Record<string, { path: string; type: string }> = {
  'htmx.min.js': { path: require.resolve('htmx.org/dist/htmx.min.js'), type: 'text/javascript; charset=utf-8' },
  'console.js': { path: fileURLToPath(new URL('../assets/console.js', import.meta.url)), type: 'text/javascript; charset=utf-8' },
  'upload.js': { path: fileURLToPath(new URL('../assets/upload.js', import.meta.url)), type: 'text/javascript; charset=utf-8' },
  'console.css': { path: fileURLToPath(new URL('../assets/console.css', import.meta.url)), type: 'text/css; charset=utf-8' },
};

export const assetRoutes: ConsolePage = {
  name: 'assets',
  routes(app) {
    const loaded = new Map<string, Buffer>();
    app.get<{ Params: { file: string } }>('/assets/:file', { config: PUBLIC_ROUTE }, async (request, reply) => {
      const asset = Object.hasOwn(assets, request.params.file) ? assets[request.params.file] : undefined;
      if (!asset) throw new KilnError('InvalidParameter', `no asset ${request.params.file}`);
      let body = loaded.get(asset.path);
      if (!body) {
        body = readFileSync(asset.path);
        loaded.set(asset.path, body);
      }
      return reply.type(asset.type).header('cache-control', 'public, max-age=3600').send(body);
    });
  },
};
