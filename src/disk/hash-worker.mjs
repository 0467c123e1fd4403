// Plain JavaScript on purpose: a worker thread does not inherit the tsx loader. It names
// a transferred buffer's content as core/chunks/content-key.ts does (kept in step by
// test/unit/disk/chunker.test.ts) and sends the buffer back.
import { blake3 } from '@napi-rs/blake-hash';
import { parentPort } from 'node:worker_threads';

parentPort.on('message', (msg) => {
  const view = new Uint8Array(msg.buffer, msg.offset ?? 0, msg.length);
  const hash = `b3:${blake3(view).toString('hex')}`;
  parentPort.postMessage({ id: msg.id, hash, buffer: msg.buffer }, [msg.buffer]);
});
