import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseZcAuthorization, sha256Hex, verifyZcSignature, zcSignature } from '../../../src/dialects/zenlayer/protocol/signature.ts';

// The test vector of PROTOCOLS.md (Zenlayer section), from the vendor's signature docs.
const vector = {
  secret: 'Gu5t9xGARNpq86cd98joQYCN3',
  parts: {
    host: 'console.zenlayer.com',
    contentType: 'application/json; charset=utf-8',
    timestamp: '1673361177',
    body: Buffer.from('{"pageSize":10,"pageNum":1,"zoneId":"HKG-A"}'),
  },
};

test('the documented body hash and signature are reproduced', () => {
  assert.equal(sha256Hex(vector.parts.body), '5f714687ba91c606d503467766151206392474accd137ffea6dce2420b67c29a');
  assert.equal(zcSignature(vector.parts, vector.secret), 'efb356c32e55c781e10dc676da59462c22596d82e91c57803666243379555b2f');
});

test('verification accepts the vector and refuses any change to a signed part', () => {
  const sig = 'efb356c32e55c781e10dc676da59462c22596d82e91c57803666243379555b2f';
  assert.equal(verifyZcSignature(vector.parts, vector.secret, sig), true);
  assert.equal(verifyZcSignature(vector.parts, 'other-secret', sig), false);
  assert.equal(verifyZcSignature({ ...vector.parts, timestamp: '1673361178' }, vector.secret, sig), false);
  assert.equal(verifyZcSignature({ ...vector.parts, host: 'console.zenlayer.com:443' }, vector.secret, sig), false);
  assert.equal(verifyZcSignature({ ...vector.parts, contentType: 'application/json' }, vector.secret, sig), false);
  // The same JSON value with Python-style spacing is different bytes, so a different signature.
  const spaced = Buffer.from('{"pageSize": 10, "pageNum": 1, "zoneId": "HKG-A"}');
  assert.equal(verifyZcSignature({ ...vector.parts, body: spaced }, vector.secret, sig), false);
  assert.equal(verifyZcSignature(vector.parts, vector.secret, sig.toUpperCase()), false);
  assert.equal(verifyZcSignature(vector.parts, vector.secret, sig.slice(0, 63)), false);
  assert.equal(verifyZcSignature(vector.parts, vector.secret, ''), false);
});

test('the Authorization header is parsed in the SDK form only', () => {
  const ok = parseZcAuthorization('ZC2-HMAC-SHA256 Credential=AKID, SignedHeaders=content-type;host, Signature=abc');
  assert.deepEqual(ok, { credential: 'AKID', actionSigned: false, signature: 'abc' });
  const kiln = parseZcAuthorization('ZC2-HMAC-SHA256 Credential=AKID, SignedHeaders=content-type;host;x-zc-action, Signature=abc');
  assert.deepEqual(kiln, { credential: 'AKID', actionSigned: true, signature: 'abc' });
  assert.equal(parseZcAuthorization('ZC2-HMAC-SHA256 Credential=AKID, SignedHeaders=content-type;host;x-zc-version, Signature=abc'), undefined);
  assert.equal(parseZcAuthorization('Bearer abc'), undefined);
  assert.equal(parseZcAuthorization('ZC2-HMAC-SHA256 Credential=AKID, SignedHeaders=host, Signature=abc'), undefined);
  assert.equal(parseZcAuthorization('ZC2-HMAC-SHA256 Credential=AKID, Signature=abc'), undefined);
  assert.equal(parseZcAuthorization('ZC2-HMAC-SHA256 garbage'), undefined);
});

test('a signature that covers X-ZC-Action verifies with that action only', () => {
  const signed = { ...vector.parts, action: 'DescribeInstances' };
  const sig = zcSignature(signed, vector.secret);
  assert.notEqual(sig, zcSignature(vector.parts, vector.secret), 'signing the action changes the signature');
  assert.equal(verifyZcSignature(signed, vector.secret, sig), true);
  assert.equal(verifyZcSignature({ ...signed, action: 'ReleaseInstances' }, vector.secret, sig), false);
  assert.equal(verifyZcSignature(vector.parts, vector.secret, sig), false, 'nor as a signature that leaves the action out');
});
