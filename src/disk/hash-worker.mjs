// Plain JavaScript on purpose: a worker thread does not inherit the tsx loader, and this
// file has no dependencies. It hashes a transferred buffer and sends the buffer back.
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

parentPort.on('message', (msg) => {
  const view = new Uint8Array(msg.buffer, 0, msg.length);
  const hash = createHash('sha256').update(view).digest('hex');
  parentPort.postMessage({ id: msg.id, hash, buffer: msg.buffer }, [msg.buffer]);
});
