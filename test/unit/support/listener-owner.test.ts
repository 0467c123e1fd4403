import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { freePort } from '../../support/kiln-process.ts';
import { listensHere } from '../../support/listener-owner.ts';

test('listensHere tells the process that holds a listening port from another process and from a closed port', async () => {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  const other = spawn('sleep', ['30'], { stdio: 'ignore' });
  try {
    assert.equal(await listensHere(process.pid, address.port), true, 'this process holds the port');
    assert.equal(await listensHere(other.pid!, address.port), false, 'another process does not');
    const closed = await freePort();
    assert.equal(await listensHere(process.pid, closed), false, 'nobody listens on a port just freed');
  } finally {
    other.kill();
    server.close();
  }
});
