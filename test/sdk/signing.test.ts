// stack-neutral: the SDK's request signatures; no server, no store
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flattenParams, signUCloud, signZc, ucloudSigningString, valueString, webCryptoHashing, zcAuthorization, zcCanonicalRequest } from 'kiln-images-sdk';

// PROTOCOLS.md test vectors.
test('UCloud SHA1 signature: the documented vector', async () => {
  const params = { Action: 'DescribeUHostInstance', Region: 'cn-bj2', Limit: '10', PublicKey: 'ucloudsomeone@example.com1296235120854146120' };
  assert.equal(await signUCloud(params, '46f09bb9fab4f12dfc160dae12273d5332b5debe', webCryptoHashing), 'cba5cf5ec4d4233d206b1b54951e3787350a642f');
});

test('UCloud signing string: plain code-unit order, no escaping, private key last', () => {
  assert.equal(ucloudSigningString({ 'X.2': 'b', 'X.10': 'a', CPU: '1', ChargeType: 'Month', Signature: 'ignored' }, 'K'), 'CPU1ChargeTypeMonthX.10aX.2bK');
});

test('UCloud flattening and value strings', () => {
  const flat = flattenParams({
    Disks: [{ IsBoot: true, Size: 40 }],
    Softwares: { Application: ['x'] },
    Skip: undefined,
    Null: null,
    Price: 42.0,
    Tiny: 1.5e-7,
  });
  assert.deepEqual([...flat.keys()], ['Disks.0.IsBoot', 'Disks.0.Size', 'Softwares.Application.0', 'Price', 'Tiny']);
  assert.deepEqual([...flat.values()].map(valueString), ['true', '40', 'x', '42', '0.00000015']);
});

test('ZC2-HMAC-SHA256: the documented vector', async () => {
  const body = '{"pageSize":10,"pageNum":1,"zoneId":"HKG-A"}';
  assert.equal(await webCryptoHashing.sha256Hex(body), '5f714687ba91c606d503467766151206392474accd137ffea6dce2420b67c29a');
  const input = {
    secret: 'Gu5t9xGARNpq86cd98joQYCN3',
    contentType: 'application/json; charset=utf-8',
    host: 'console.zenlayer.com',
    timestamp: '1673361177',
    body,
  };
  assert.equal(await signZc(input, webCryptoHashing), 'efb356c32e55c781e10dc676da59462c22596d82e91c57803666243379555b2f');
  assert.match(zcCanonicalRequest('application/json', 'h:1', 'abc'), /^POST\n\/\n\ncontent-type:application\/json\nhost:h:1\n\ncontent-type;host\nabc$/);
});

test('ZC2-HMAC-SHA256 with the action signed: one more canonical header, listed in SignedHeaders', async () => {
  assert.equal(
    zcCanonicalRequest('application/json', 'h:1', 'abc', 'StopInstances'),
    'POST\n/\n\ncontent-type:application/json\nhost:h:1\nx-zc-action:StopInstances\n\ncontent-type;host;x-zc-action\nabc',
  );
  const input = { secret: 's', contentType: 'application/json', host: 'h:1', timestamp: '1700000000', body: '{}' };
  const stop = await signZc({ ...input, action: 'StopInstances' }, webCryptoHashing);
  assert.notEqual(stop, await signZc({ ...input, action: 'ReleaseInstances' }, webCryptoHashing));
  assert.notEqual(stop, await signZc(input, webCryptoHashing));
  assert.equal(zcAuthorization('AK', 'sig', true), 'ZC2-HMAC-SHA256 Credential=AK, SignedHeaders=content-type;host;x-zc-action, Signature=sig');
  assert.equal(zcAuthorization('AK', 'sig'), 'ZC2-HMAC-SHA256 Credential=AK, SignedHeaders=content-type;host, Signature=sig');
});
