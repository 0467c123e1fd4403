import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResourceIds } from '../../../src/core/resource-ids.ts';
import { idSpellingsOf } from '../../../src/dialects/id-spellings.ts';
import { dialects } from '../../../src/dialects/registry.ts';

const ids = new ResourceIds(idSpellingsOf(dialects));
const random = '[a-z0-9]{12}';

describe('resource ids from the registered dialects', () => {
  it('keep each product’s wire spelling', () => {
    const expected: Array<[string, string]> = [
      [ids.image('uhost'), 'uimage-'],
      [ids.image('compshare'), 'compshareimage-'],
      [ids.image('zec'), 'img-'],
      [ids.instance('uhost'), 'uhost-'],
      [ids.instance('compshare'), 'uhost-'],
      [ids.instance('zec'), 'ins-'],
      [ids.snapshot('uhost'), 'snapshot-'],
      [ids.snapshot('zec'), 'snap-'],
      [ids.disk('uhost', true), 'bsi-'],
      [ids.disk('compshare', false), 'bsm-'],
      [ids.disk('zec', true), 'disk-'],
      [ids.disk('zec', false), 'disk-'],
      [ids.baseImage('zec'), 'img-'],
      [ids.baseImage(undefined), 'base-'],
    ];
    for (const [id, prefix] of expected) assert.match(id, new RegExp(`^${prefix}${random}$`));
  });

  it('refuses a product no dialect spells, and one spelt by two', () => {
    const ucloud = dialects.find((d) => d.name === 'ucloud')!;
    const zenlayer = dialects.find((d) => d.name === 'zenlayer')!;
    assert.throws(() => new ResourceIds(idSpellingsOf([ucloud])), /no dialect spells the ids of product zec/);
    assert.throws(() => idSpellingsOf([ucloud, zenlayer, zenlayer]), /two dialects spell the ids of product zec/);
  });
});
