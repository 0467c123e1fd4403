import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Image } from '../../src/core/model.ts';
import type { MetadataStore } from '../../src/core/ports/metadata-store.ts';
import { chunkKey, imageFixture, withStore as storeFor, type OpenStore } from './fixtures.ts';

const key = chunkKey;
const image = (id: string, over: Partial<Image> = {}): Image => imageFixture(id, { product: 'zec', region: 'r1', zone: 'z1', ...over });

/** What the metadata store promises about concurrent changes, copies and region copies, on every engine. */
export function imageCopiesContract(name: string, open: OpenStore): void {
  describe(`image changes and copies contract: ${name}`, () => {
    const withStore = (fn: (s: MetadataStore) => Promise<void>) => storeFor(open, fn);

    test(
      'concurrent changes of different attributes, nested ones included, all survive',
      withStore(async (s) => {
        await s.images.insert(image('img-c', { attributes: { softwares: { keep: 'me' } } }), { uniqueName: false });
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            i % 2 === 0
              ? s.images.change('img-c', { attributes: { [`top${i}`]: i } })
              : s.images.change('img-c', { attributeMerges: { softwares: { [`f${i}`]: i } } }),
          ),
        );
        const a = (await s.images.get('img-c'))!.attributes;
        for (let i = 0; i < 20; i += 2) assert.equal(a[`top${i}`], i);
        const softwares = a.softwares as Record<string, unknown>;
        assert.equal(softwares.keep, 'me');
        for (let i = 1; i < 20; i += 2) assert.equal(softwares[`f${i}`], i);
      }),
    );

    test(
      'commitCopy gives a copy being made the source content once; a deleted source fails it and writes nothing',
      withStore(async (s) => {
        await s.images.insert(image('img-src'), { uniqueName: false });
        await s.images.markAvailable('img-src', { virtualSize: 8, chunkSize: 4, chunks: [key(1), null], storedSize: 4 });
        await s.images.insert(image('img-dst', { region: 'r2' }), { uniqueName: false });
        assert.equal(await s.images.commitCopy('img-src', 'img-dst'), 'committed');
        const dst = await s.images.get('img-dst');
        assert.equal(dst?.state, 'available');
        assert.equal(dst?.storedSize, 4);
        assert.deepEqual(await s.images.getManifest('img-dst'), await s.images.getManifest('img-src'));
        assert.equal(await s.images.commitCopy('img-src', 'img-dst'), 'targetGone', 'an available copy is not committed again');

        await s.images.insert(image('img-orphan'), { uniqueName: false });
        await s.images.delete((await s.images.get('img-src'))!);
        assert.equal(await s.images.commitCopy('img-src', 'img-orphan'), 'sourceGone');
        assert.equal((await s.images.get('img-orphan'))?.state, 'making');
        assert.equal(await s.images.getManifest('img-orphan'), undefined);
      }),
    );

    test(
      'hold: of racing copies to different regions, only the first starts; the others see it syncing',
      withStore(async (s) => {
        await s.images.insert(image('img-h', { state: 'available' }), { uniqueName: false });
        const attempt = (region: string) =>
          s.transaction(async (tx) => {
            await tx.replicas.hold('img-h');
            if ((await tx.replicas.of(['img-h'])).some((r) => r.state === 'syncing')) return false;
            await new Promise((r) => setTimeout(r, 50)); // widens the window between the check and the start
            return tx.replicas.start('img-h', region, `job-${region}`);
          });
        const results = await Promise.all(['r2', 'r3', 'r4'].map(attempt));
        assert.equal(results.filter(Boolean).length, 1, JSON.stringify(results));
        assert.equal((await s.replicas.of(['img-h'])).length, 1);
      }),
    );

    test(
      'one copy per region at a time: racing starts, a failed copy revived, rehome, removal with the image',
      withStore(async (s) => {
        await s.images.insert(image('img-r', { state: 'available' }), { uniqueName: false });
        const starts = await Promise.all(Array.from({ length: 10 }, (_, i) => s.replicas.start('img-r', 'r2', `job-${i}`)));
        assert.equal(starts.filter(Boolean).length, 1, 'exactly one racing start wins');
        assert.equal(await s.replicas.finish('img-r', 'r2', { state: 'failed', error: 'broken' }), true);
        assert.equal((await s.replicas.of(['img-r']))[0]?.error, 'broken');
        assert.equal(await s.replicas.start('img-r', 'r2', 'job-again'), true, 'a failed copy may be tried again');
        assert.equal(await s.replicas.finish('img-r', 'r2', { state: 'available' }), true);
        assert.equal(await s.replicas.finish('img-r', 'r2', { state: 'available' }), false, 'only a syncing copy ends');
        assert.equal(await s.replicas.start('img-r', 'r2', 'job-third'), false, 'an available copy is in the way');

        await s.replicas.rehome('img-r', 'r2', 'z2');
        const moved = await s.images.get('img-r');
        assert.deepEqual([moved?.region, moved?.zone], ['r2', 'z2']);
        assert.deepEqual(await s.replicas.of(['img-r']), []);
        assert.equal(await s.replicas.start('img-r', 'r3', 'job-r3'), true);
        await s.images.delete(moved!);
        assert.deepEqual(await s.replicas.of(['img-r']), [], 'an image takes its copies with it');
      }),
    );

    test(
      'listings by region or zone: counters agree with the rows through inserts, deletes and rehomes; base images are everywhere',
      withStore(async (s) => {
        const placed: [string, string, string][] = [
          ['p1', 'r1', 'z1a'],
          ['p2', 'r1', 'z1b'],
          ['p3', 'r2', 'z2'],
          ['p4', 'r1', 'z1a'],
          ['p5', 'r2', 'z2'],
        ];
        for (const [id, region, zone] of placed)
          await s.images.insert(image(id, { product: 'uhost', region, zone, state: 'available' }), { uniqueName: false });
        await s.images.insert(image('p-other', { product: 'uhost', projectId: 'org-2', region: 'r1', zone: 'z1a' }), { uniqueName: false });
        await s.images.insert(
          image('base-x', { product: null, accountId: null, projectId: null, kind: 'base', region: 'r1', zone: 'z1a', visibility: 'public' }),
          { uniqueName: false },
        );
        const listed = async (place: { region?: string; zone?: string }, kinds: ('custom' | 'base')[] = ['custom']) => {
          const q = { product: 'uhost' as const, projectId: 'org-1', kinds, offset: 0, limit: 100, ...place };
          const [items, total] = await Promise.all([s.images.list(q), s.images.count(q)]);
          return { ids: items.map((i) => i.id), total };
        };
        assert.deepEqual(await listed({ region: 'r1' }), { ids: ['p4', 'p2', 'p1'], total: 3 });
        assert.deepEqual(await listed({ region: 'r2' }), { ids: ['p5', 'p3'], total: 2 });
        assert.deepEqual(await listed({ zone: 'z1a' }), { ids: ['p4', 'p1'], total: 2 });
        assert.deepEqual(await listed({ region: 'r9' }), { ids: [], total: 0 });
        assert.deepEqual(
          await listed({ region: 'r2' }, ['base', 'custom']),
          { ids: ['base-x', 'p5', 'p3'], total: 3 },
          'a base image is offered in every region',
        );
        const page = { product: 'uhost' as const, projectId: 'org-1', kinds: ['custom' as const], region: 'r1', offset: 1, limit: 1 };
        assert.deepEqual(
          (await s.images.list(page)).map((i) => i.id),
          ['p2'],
          'pages are cut within the region',
        );

        await s.images.delete((await s.images.get('p4'))!);
        await s.replicas.rehome('p3', 'r1', 'z1b');
        assert.deepEqual(await listed({ region: 'r1' }), { ids: ['p3', 'p2', 'p1'], total: 3 });
        assert.deepEqual(await listed({ region: 'r2' }), { ids: ['p5'], total: 1 });
        assert.deepEqual(await listed({ zone: 'z1b' }), { ids: ['p3', 'p2'], total: 2 });
        assert.deepEqual(await listed({}), { ids: ['p5', 'p3', 'p2', 'p1'], total: 4 });
      }),
    );
  });
}
