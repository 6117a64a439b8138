// The baseline: a bare Fastify route that sends a fixed JSON body, with no auth, no database,
// no validation. Plain JavaScript, started as its own process like the real server.
import Fastify from 'fastify';

const body = process.env.BENCH_BODY ?? '{"items":[]}';
const app = Fastify({ logger: false });
app.get('/api/v1/units', async (_request, reply) => reply.type('application/json; charset=utf-8').send(body));
app.get('/api/v1/health', async () => ({ status: 'ok' }));
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
