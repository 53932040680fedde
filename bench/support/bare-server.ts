// The reference for read benchmarks: the same Redis read behind a bare Fastify route, with
// no framework on top. Started as its own process, like the service.
import Fastify from 'fastify';
import Redis from 'ioredis';
import { serveUntilSignal } from './bare-lifecycle';
import { INCREMENT_SCRIPT } from '../../src/common/rate-limit/redis-throttler.storage';

async function main(): Promise<void> {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const key = process.env.BARE_KEY ?? 'missing';
  const app = Fastify({ logger: false });
  app.get('/price', async (_request, reply) => {
    const value = await redis.get(key);
    if (!value) return reply.status(404).send({ error: 'not found' });
    const price = JSON.parse(value) as { price: number; timestamp: number; source: string };
    return { symbol: 'BTC', price: price.price, timestamp: price.timestamp, source: price.source };
  });
  // The same read behind the service's rate-limit step (its Redis script, one per request):
  // what the framework costs, apart from the limiter's round trip.
  redis.defineCommand('rateLimitIncrement', { numberOfKeys: 1, lua: INCREMENT_SCRIPT });
  const limited = redis as Redis & {
    rateLimitIncrement(key: string, ttlMs: number): Promise<[number, number]>;
  };
  app.get('/price-limited', async (request, reply) => {
    const [hits] = await limited.rateLimitIncrement(`${key}:ratelimit:${request.ip}`, 60_000);
    if (hits > 1_000_000_000) return reply.status(429).send({ error: 'Rate limit exceeded' });
    const value = await redis.get(key);
    if (!value) return reply.status(404).send({ error: 'not found' });
    const price = JSON.parse(value) as { price: number; timestamp: number; source: string };
    return { symbol: 'BTC', price: price.price, timestamp: price.timestamp, source: price.source };
  });
  // The same bytes as one of the service's cached answers (listing, OHLC), stored by the
  // bench under BARE_BODY_PREFIX: what Fastify + ioredis alone take to serve that body.
  const bodyPrefix = process.env.BARE_BODY_PREFIX ?? 'missing:';
  app.get<{ Params: { name: string } }>('/body/:name', async (request, reply) => {
    const body = await redis.getBuffer(`${bodyPrefix}${request.params.name}`);
    if (!body) return reply.status(404).send({ error: 'not found' });
    return reply.type('application/json; charset=utf-8').send(body);
  });
  await serveUntilSignal(app, redis);
}

void main();
