import assert from 'node:assert/strict';
import { test } from 'node:test';
import { payloadProblem, readJob } from '../../../src/core/jobs/job-payloads.ts';
import type { Job, JobKind } from '../../../src/core/model.ts';

function row<K extends JobKind>(kind: K, payload: Record<string, unknown>): Job & { kind: K } {
  return {
    id: 'job-1',
    kind,
    payload,
    state: 'running',
    attempts: 1,
    imageId: null,
    instanceId: null,
    accountId: null,
    nodeId: null,
    leaseOwner: 'w',
    progressDone: 0,
    progressTotal: 0,
    progressPhase: null,
    error: null,
    createdAt: 0,
    startedAt: 0,
    updatedAt: 0,
  };
}

test('a payload of the shape its kind takes is read, typed, with any property a newer writer added', () => {
  const job = readJob(row('grow', { disks: [{ diskId: 'disk-1', sizeBytes: 2 ** 31 }], grownBytes: 2 ** 30, addedLater: true }));
  assert.ok(job);
  assert.equal(job.payload.disks[0]?.sizeBytes, 2 ** 31);
  assert.equal(payloadProblem('grow', job.payload), undefined);
  assert.ok(readJob(row('materialize', {})), 'deploying needs no payload');
});

test('a payload of another shape is not read, and the problem names where it differs', () => {
  const cases: [JobKind, Record<string, unknown>, RegExp][] = [
    ['import', { source: 'http://h/d.raw', format: 'raw' }, /import payload does not fit at \/url: expected required property/],
    ['import', { url: 'http://h/d.raw', format: 'iso' }, /at \/format/],
    ['capture', { disks: [] }, /at \/disks/],
    ['copy', { copies: [{ from: 'a' }] }, /at \/copies\/0\/to/],
    ['reinstall', { imageId: 'i', bootSizeBytes: -1, keepDataDisks: true, grownBytes: 0 }, /at \/bootSizeBytes/],
    ['replicate', { imageId: 7, region: 'r' }, /at \/imageId: expected string/],
  ];
  for (const [kind, payload, problem] of cases) {
    assert.equal(readJob(row(kind, payload)), undefined, `${kind} ${JSON.stringify(payload)}`);
    assert.match(payloadProblem(kind, payload) ?? '', problem);
  }
});
