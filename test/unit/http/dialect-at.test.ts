import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dialectAt, isZcServicePath, refusalAnswer } from '../../../src/http/dialect-at.ts';

describe('dialectAt', () => {
  it('gives `/` to UCloud and everything under /api/v2 to Zenlayer, queries aside', () => {
    for (const url of ['/', '/?Action=DescribeImage', '/#x']) assert.equal(dialectAt(url), 'ucloud', url);
    for (const url of ['/api/v2', '/api/v2/zec', '/api/v2/zec?x=1', '/api/v2/zec/more']) assert.equal(dialectAt(url), 'zenlayer', url);
    for (const url of ['/healthz', '/metrics', '//', '/api/v20', '/api/v2x/zec', '/index.html?Action=X']) assert.equal(dialectAt(url), undefined, url);
  });

  it('knows the one path shape of a ZEC call', () => {
    assert.equal(isZcServicePath('/api/v2/zec?x'), true);
    assert.equal(isZcServicePath('/api/v2/zec/'), false);
    assert.equal(isZcServicePath('/api/v2'), false);
  });
});

describe('refusalAnswer', () => {
  const refusal = { kind: 'BodyTooLarge', message: 'too big' } as const;

  it('answers UCloud at HTTP 200 with RetCode 230, named after a query Action', () => {
    const a = refusalAnswer('/?Action=DescribeImage&Region=cn-bj2', refusal);
    assert.equal(a.status, 200);
    assert.ok(a.headers['x-ucloud-request-uuid']);
    assert.deepEqual(JSON.parse(a.body), { Action: 'DescribeImageResponse', RetCode: 230, Message: 'too big' });
    // An Action given twice names nothing.
    assert.deepEqual(JSON.parse(refusalAnswer('/?Action=A&Action=B', refusal).body), { RetCode: 230, Message: 'too big' });
    assert.equal(JSON.parse(refusalAnswer('/', { kind: 'Internal', message: 'x' }).body).RetCode, 150);
  });

  it('answers Zenlayer with the HTTP status and its error body', () => {
    const a = refusalAnswer('/api/v2/zec', refusal);
    assert.equal(a.status, 413);
    const body = JSON.parse(a.body) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ['requestId', 'code', 'message']);
    assert.equal(body.code, 'INVALID_REQUEST_BODY');
    const method = refusalAnswer('/api/v2/zec', { kind: 'MethodNotAllowed', message: 'GET' });
    assert.equal(method.status, 405);
    assert.equal(method.headers.allow, 'POST');
  });

  it('answers other paths with a plain JSON status body', () => {
    const a = refusalAnswer('/healthz', refusal);
    assert.equal(a.status, 413);
    assert.deepEqual(JSON.parse(a.body), { statusCode: 413, error: 'Payload Too Large', message: 'too big' });
  });
});
