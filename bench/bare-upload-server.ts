import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createServer } from 'node:http';
import { pipeline } from 'node:stream/promises';

// The peer of the upload benchmark: a bare node:http server that writes a PUT body to
// one file and fsyncs it before answering, as `curl -T` uploads are received by any
// plain server that keeps what it got. Kiln's side also makes the bytes durable.
const port = Number(process.argv[2]);
const file = process.argv[3]!;
const server = createServer((req, res) => {
  void (async () => {
    try {
      await pipeline(req, createWriteStream(file));
      const fh = await open(file, 'r');
      await fh.sync();
      await fh.close();
      res.writeHead(204).end();
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  })();
});
server.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
