import Fastify from 'fastify';

// The peer of the DescribeImage benchmark: a bare Fastify route answering a canned
// body of the same size, so the ratio shows what Kiln's own work costs.
const port = Number(process.argv[2]);
const body = process.argv[3] ?? '{}';
const app = Fastify();
app.get('/', async (_req, reply) => reply.header('content-type', 'application/json; charset=utf-8').send(body));
await app.listen({ host: '127.0.0.1', port });
process.stdout.write('ready\n');
