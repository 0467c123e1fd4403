import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dialectAt, refusalAnswer, refusalForAnyDialect } from '../../../src/http/dialect-at.ts';

/** The answer's body as a client reads it off the wire. */
function wireBody(a: { body: object }): Record<string, unknown> {
  return JSON.parse(JSON.stringify(a.body)) as Record<string, unknown>;
}

describe('dialectAt', () => {
  it('gives `/` to UCloud and everything under /api/v2 to Zenlayer, queries aside', () => {
    for (const url of ['/', '/?Action=DescribeImage', '/#x']) assert.equal(dialectAt(url)?.name, 'ucloud', url);
    for (const url of ['/api/v2', '/api/v2/zec', '/api/v2/zec?x=1', '/api/v2/zec/more']) assert.equal(dialectAt(url)?.name, 'zenlayer', url);
    for (const url of ['/healthz', '/metrics', '//', '/api/v20', '/api/v2x/zec', '/index.html?Action=X']) assert.equal(dialectAt(url), undefined, url);
  });

  it('tells a method ZEC does not serve on its one path shape from a path it has no API at', () => {
    const zec = dialectAt('/api/v2')!;
    assert.equal(zec.notFound('GET', '/api/v2/zec?x').kind, 'MethodNotAllowed');
    assert.equal(zec.notFound('POST', '/api/v2/zec/').kind, 'NotFound');
    assert.equal(zec.notFound('POST', '/api/v2').kind, 'NotFound');
    assert.equal(dialectAt('/')!.notFound('PUT', '/').kind, 'MethodNotAllowed');
  });
});

describe('refusalAnswer', () => {
  const refusal = { kind: 'BodyTooLarge', message: 'too big' } as const;

  it('answers UCloud at HTTP 200 with RetCode 230, named after a query Action', () => {
    const a = refusalAnswer('/?Action=DescribeImage&Region=cn-bj2', refusal);
    assert.equal(a.status, 200);
    assert.ok(a.headers['x-ucloud-request-uuid']);
    assert.deepEqual(wireBody(a), { Action: 'DescribeImageResponse', RetCode: 230, Message: 'too big' });
    // An Action given twice names nothing.
    assert.deepEqual(wireBody(refusalAnswer('/?Action=A&Action=B', refusal)), { RetCode: 230, Message: 'too big' });
    assert.equal(wireBody(refusalAnswer('/', { kind: 'Internal', message: 'x' })).RetCode, 150);
  });

  it('answers Zenlayer with the HTTP status and its error body', () => {
    const a = refusalAnswer('/api/v2/zec', refusal);
    assert.equal(a.status, 413);
    const body = wireBody(a);
    assert.deepEqual(Object.keys(body), ['requestId', 'code', 'message']);
    assert.equal(body.code, 'INVALID_REQUEST_BODY');
    const method = refusalAnswer('/api/v2/zec', { kind: 'MethodNotAllowed', message: 'GET' });
    assert.equal(method.status, 405);
    assert.equal(method.headers.allow, 'POST');
  });

  it('answers other paths with a plain JSON status body', () => {
    const a = refusalAnswer('/healthz', refusal);
    assert.equal(a.status, 413);
    assert.deepEqual(wireBody(a), { statusCode: 413, error: 'Payload Too Large', message: 'too big' });
  });
});

describe('refusalForAnyDialect', () => {
  it('carries every dialect’s fields and headers, at the standard status', () => {
    const a = refusalForAnyDialect({ kind: 'HeaderTooLarge', message: 'too long' });
    assert.equal(a.status, 431);
    const body = wireBody(a);
    assert.deepEqual(Object.keys(body), ['RetCode', 'Message', 'requestId', 'code', 'message']);
    assert.equal(body.RetCode, 230);
    assert.equal(body.code, 'INVALID_REQUEST_HEADER');
    assert.equal(body.Message, body.message);
    assert.ok(a.headers['x-ucloud-request-uuid']);
    assert.equal(a.headers['content-type'], 'application/json; charset=utf-8');
  });
});
