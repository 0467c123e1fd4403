import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { ucloudSignature, verifyUCloudSignature } from '../../../src/dialects/ucloud/protocol/signature.ts';

// The documented example (reference/ucloud/summary/signature.md).
const PUBLIC_KEY = 'ucloudsomeone@example.com1296235120854146120';
const PRIVATE_KEY = '46f09bb9fab4f12dfc160dae12273d5332b5debe';
const DOC_PARAMS = { Action: 'DescribeUHostInstance', Region: 'cn-bj2', Limit: '10', PublicKey: PUBLIC_KEY };
const DOC_SIGNATURE = 'cba5cf5ec4d4233d206b1b54951e3787350a642f';

const sha1 = (text: string): string => createHash('sha1').update(text, 'utf8').digest('hex');

describe('ucloudSignature', () => {
  it('reproduces the documented test vector', () => {
    assert.equal(ucloudSignature(DOC_PARAMS, PRIVATE_KEY), DOC_SIGNATURE);
  });

  it('signs the documented concatenation', () => {
    assert.equal(
      ucloudSignature(DOC_PARAMS, PRIVATE_KEY),
      sha1('ActionDescribeUHostInstanceLimit10PublicKeyucloudsomeone@example.com1296235120854146120Regioncn-bj2' + PRIVATE_KEY),
    );
  });

  it('ignores a Signature parameter already in the map', () => {
    assert.equal(ucloudSignature({ ...DOC_PARAMS, Signature: 'whatever' }, PRIVATE_KEY), DOC_SIGNATURE);
  });

  it('does not depend on the insertion order of the map', () => {
    const reversed = Object.fromEntries(Object.entries(DOC_PARAMS).reverse());
    assert.equal(ucloudSignature(reversed, PRIVATE_KEY), DOC_SIGNATURE);
  });

  it('sorts by code unit: upper case before lower case (CPU < ChargeType)', () => {
    const params = { ChargeType: 'Month', CPU: '2' };
    assert.equal(ucloudSignature(params, 'k'), sha1('CPU2ChargeTypeMonthk'));
    assert.notEqual(ucloudSignature(params, 'k'), sha1('ChargeTypeMonthCPU2k'));
  });

  it('sorts indexes as text, not numbers (X.10 < X.2)', () => {
    const params = { 'X.2': 'c', 'X.10': 'b', 'X.0': 'a' };
    assert.equal(ucloudSignature(params, 'k'), sha1('X.0aX.10bX.2ck'));
  });

  it('concatenates values without URL escaping, UTF-8 encoded', () => {
    const params = { Name: 'my image & co=1', Tag: '镜像' };
    assert.equal(ucloudSignature(params, 'k'), sha1('Namemy image & co=1Tag镜像k'));
  });

  it('keeps empty values (key with nothing after it)', () => {
    assert.equal(ucloudSignature({ A: '', B: 'x' }, 'k'), sha1('ABxk'));
  });
});

describe('verifyUCloudSignature', () => {
  it('accepts the right signature', () => {
    assert.equal(verifyUCloudSignature(DOC_PARAMS, PRIVATE_KEY, DOC_SIGNATURE), true);
  });

  it('accepts it when the map also carries the Signature', () => {
    assert.equal(verifyUCloudSignature({ ...DOC_PARAMS, Signature: DOC_SIGNATURE }, PRIVATE_KEY, DOC_SIGNATURE), true);
  });

  it('rejects a signature differing in one character', () => {
    const wrong = DOC_SIGNATURE.slice(0, -1) + (DOC_SIGNATURE.endsWith('f') ? 'e' : 'f');
    assert.equal(verifyUCloudSignature(DOC_PARAMS, PRIVATE_KEY, wrong), false);
  });

  it('rejects a different private key or a changed parameter', () => {
    assert.equal(verifyUCloudSignature(DOC_PARAMS, PRIVATE_KEY.replace('4', '5'), DOC_SIGNATURE), false);
    assert.equal(verifyUCloudSignature({ ...DOC_PARAMS, Limit: '11' }, PRIVATE_KEY, DOC_SIGNATURE), false);
  });

  it('rejects signatures of other lengths without throwing', () => {
    assert.equal(verifyUCloudSignature(DOC_PARAMS, PRIVATE_KEY, ''), false);
    assert.equal(verifyUCloudSignature(DOC_PARAMS, PRIVATE_KEY, DOC_SIGNATURE.slice(0, 39)), false);
    assert.equal(verifyUCloudSignature(DOC_PARAMS, PRIVATE_KEY, `${DOC_SIGNATURE}0`), false);
    // Same character count, more bytes: must not reach timingSafeEqual with unequal buffers.
    assert.equal(verifyUCloudSignature(DOC_PARAMS, PRIVATE_KEY, `é${DOC_SIGNATURE.slice(1)}`), false);
  });

  it('is case-sensitive (the SDKs send lowercase hex)', () => {
    assert.equal(verifyUCloudSignature(DOC_PARAMS, PRIVATE_KEY, DOC_SIGNATURE.toUpperCase()), false);
  });
});
