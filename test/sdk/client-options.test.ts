/**
 * The clients refuse missing keys when constructed, naming the option: a key read from an
 * unset environment variable used to surface on the first call as `TypeError: cannot send
 * undefined`, far from the cause.
 */
// stack-neutral: the SDK clients' constructor checks; no server, no store
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CompShareClient, UHostClient, ZecClient } from 'kiln-images-sdk';

const endpoint = 'http://127.0.0.1:9';
const unset = 'KILN_TEST_SURELY_UNSET_VARIABLE';

test('UHostClient and CompShareClient refuse a missing or empty key, naming it', () => {
  assert.equal(process.env[unset], undefined);
  assert.throws(() => new UHostClient({ endpoint, publicKey: process.env[unset]!, privateKey: 'p' }), {
    name: 'TypeError',
    message:
      "UHostClient: option publicKey is required (the account's PublicKey), but it is undefined; if it is read from an environment variable, that variable is not set",
  });
  assert.throws(() => new CompShareClient({ endpoint, publicKey: 'k', privateKey: '' }), {
    name: 'TypeError',
    message:
      "CompShareClient: option privateKey is required (the account's PrivateKey), but it is an empty string; if it is read from an environment variable, that variable is not set",
  });
  assert.throws(
    () => new UHostClient({ endpoint: process.env[unset]!, publicKey: 'k', privateKey: 'p' }),
    /^TypeError: UHostClient: option endpoint is required \(the Kiln server URL/,
  );
  assert.throws(() => new UHostClient({ endpoint: '127.0.0.1:8480', publicKey: 'k', privateKey: 'p' }), {
    message: 'UHostClient: option endpoint must be an http:// or https:// URL, not "127.0.0.1:8480"',
  });
  assert.equal(new UHostClient({ endpoint: `${endpoint}//`, publicKey: 'k', privateKey: 'p' }).options.endpoint, endpoint);
});

test('ZecClient refuses a missing key pair or an empty token, naming what is missing', () => {
  assert.throws(() => new ZecClient({ endpoint }), {
    message:
      'ZecClient: options accessKeyId and accessKeyPassword (or token) are required, but none is given; if they are read from environment variables, those are not set',
  });
  assert.throws(
    () => new ZecClient({ endpoint, accessKeyId: 'k', accessKeyPassword: process.env[unset] }),
    /^TypeError: ZecClient: option accessKeyPassword is required .* but it is undefined/,
  );
  assert.throws(() => new ZecClient({ endpoint, token: '' }), /^TypeError: ZecClient: option token is required .* but it is an empty string/);
  assert.ok(new ZecClient({ endpoint, token: 't' }));
  assert.ok(new ZecClient({ endpoint, accessKeyId: 'k', accessKeyPassword: 'p' }));
});
