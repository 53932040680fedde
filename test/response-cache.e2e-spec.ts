// The REST response cache as clients see it: answers in the encoding asked for (stored
// variants, not compressed per hit), conditional requests across encodings, one computation
// per key however many requests wait, and a Redis outage that bypasses the cache and leaves
// no stale entry behind once Redis is back.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { CryptocurrenciesService } from '../src/cryptocurrencies/cryptocurrencies.service';
import { MarketSeeder, anAsset } from './support/market-fixtures';
import { TcpProxy, reachable } from './support/tcp-proxy';
import { serverRedisUrl, startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

interface Raw {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A GET whose body comes back as sent (fetch would decode it). */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks),
        }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

const decode = (raw: Raw): unknown => {
  const encoding = raw.headers['content-encoding'];
  const bytes =
    encoding === 'br'
      ? brotliDecompressSync(raw.body)
      : encoding === 'gzip'
        ? gunzipSync(raw.body)
        : raw.body;
  return JSON.parse(bytes.toString()) as unknown;
};

describe('Response cache (e2e)', () => {
  let sut: TestApp;
  let seed: MarketSeeder;
  const listing = '/api/v1/cryptocurrencies?limit=100';

  beforeAll(async () => {
    sut = await startTestApp();
    seed = new MarketSeeder(sut.app);
    await seed.assets(
      Array.from({ length: 100 }, (_, i) =>
        anAsset({ symbol: `RC${i}`, currentPrice: 1 + i, marketCap: 1_000_000 + i }),
      ),
    );
    await seed.invalidate(['RC0']);
  });

  afterAll(async () => {
    await sut.close();
  });

  it('answers in br, gzip or identity as asked, from one cached entry, with Vary', async () => {
    const identity = await rawGet(`${sut.baseUrl}${listing}`);
    const br = await rawGet(`${sut.baseUrl}${listing}`, { 'accept-encoding': 'gzip, deflate, br' });
    const gzip = await rawGet(`${sut.baseUrl}${listing}`, { 'accept-encoding': 'gzip' });
    const other = await rawGet(`${sut.baseUrl}${listing}`, { 'accept-encoding': 'deflate' });

    expect([identity, br, gzip, other].map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect([identity, br, gzip, other].map((r) => r.headers['x-cache'])).toEqual([
      'MISS',
      'HIT',
      'HIT',
      'HIT',
    ]);
    expect([identity, br, gzip, other].map((r) => r.headers['content-encoding'])).toEqual([
      undefined,
      'br',
      'gzip',
      undefined,
    ]);
    for (const answer of [identity, br, gzip, other]) {
      expect(answer.headers.vary).toMatch(/accept-encoding/i);
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(Number(answer.headers['content-length'])).toBe(answer.body.length);
      expect(decode(answer)).toEqual(decode(identity));
    }
    expect((decode(identity) as { items: unknown[] }).items).toHaveLength(100);
    expect(br.body.length).toBeLessThan(identity.body.length / 4);
    expect(gzip.body.length).toBeLessThan(identity.body.length / 4);
    // One content, a tag per encoding.
    expect(new Set([identity, br, gzip].map((r) => r.headers.etag)).size).toBe(3);
    expect(br.headers.etag).toBe(`${identity.headers.etag!.slice(0, -1)}-br"`);
  });

  it('answers 304 to the tag of any encoding of the current content', async () => {
    const br = await rawGet(`${sut.baseUrl}${listing}`, { 'accept-encoding': 'br' });

    for (const accept of ['br', 'gzip', 'identity']) {
      const again = await rawGet(`${sut.baseUrl}${listing}`, {
        'accept-encoding': accept,
        'if-none-match': br.headers.etag!,
      });
      expect({ accept, status: again.status, length: again.body.length }).toEqual({
        accept,
        status: 304,
        length: 0,
      });
    }
    await seed.assets([anAsset({ symbol: 'RC1', currentPrice: 99_999 })]);
    await seed.invalidate(['RC1']);
    const changed = await rawGet(`${sut.baseUrl}${listing}`, {
      'accept-encoding': 'br',
      'if-none-match': br.headers.etag!,
    });
    expect(changed.status).toBe(200);
    expect(changed.headers['x-cache']).toBe('MISS');
  });

  it('compresses uncached JSON answers over 1 KiB too, and leaves small ones alone', async () => {
    const spec = await rawGet(`${sut.baseUrl}/docs-json`, { 'accept-encoding': 'br' });
    const small = await rawGet(`${sut.baseUrl}/health/live`, { 'accept-encoding': 'br' });

    expect(spec.headers['content-encoding']).toBe('br');
    expect(spec.headers.vary).toMatch(/accept-encoding/i);
    expect(decode(spec)).toHaveProperty('openapi');
    expect(small.headers['content-encoding']).toBeUndefined();
  });

  it('computes a missed answer once however many requests wait for it', async () => {
    await seed.invalidate(['RC2']);
    const service = sut.app.get(CryptocurrenciesService);
    const list = jest.spyOn(service, 'list');
    try {
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => rawGet(`${sut.baseUrl}${listing}&order=asc`)),
      );

      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
      expect(new Set(answers.map((a) => a.headers.etag)).size).toBe(1);
      expect(answers.filter((a) => a.headers['x-cache'] === 'MISS')).toHaveLength(1);
      expect(list).toHaveBeenCalledTimes(1);
    } finally {
      list.mockRestore();
    }
  });

  const describeRedis = serverRedisUrl ? describe : describe.skip;

  describeRedis('when Redis goes away (server mode)', () => {
    let proxy: TcpProxy;
    let behindProxy: TestApp;
    let proxied: MarketSeeder;
    const redis = new URL(serverRedisUrl ?? 'redis://127.0.0.1:6379');

    beforeAll(async () => {
      if (!(await reachable(redis.hostname, Number(redis.port || 6379)))) {
        throw new Error(`no Redis at ${redis.host}`);
      }
      proxy = new TcpProxy(redis.hostname, Number(redis.port || 6379));
      const port = await proxy.start();
      behindProxy = await startTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
      proxied = new MarketSeeder(behindProxy.app);
      await proxied.assets([anAsset({ symbol: 'OUTAGE', currentPrice: 1 })]);
      await proxied.invalidate(['OUTAGE']);
    });

    afterAll(async () => {
      await behindProxy.close();
      await proxy.stop();
    });

    it('bypasses the cache without errors, and serves no answer older than the data once back', async () => {
      const path = `${behindProxy.baseUrl}/api/v1/cryptocurrencies/OUTAGE`;
      await rawGet(path);
      const cached = await rawGet(path);
      expect(cached.headers['x-cache']).toBe('HIT');

      await proxy.cut();
      const during = await waitFor(
        async () => {
          const answer = await rawGet(path);
          return answer.headers['x-cache'] === undefined ? answer : undefined;
        },
        'the cache to be bypassed',
        5_000,
      );
      expect(during.status).toBe(200);
      // Ingested while the generations cannot be bumped.
      await proxied.assets([anAsset({ symbol: 'OUTAGE', currentPrice: 2 })]);
      await proxied.invalidate(['OUTAGE']);
      expect(decode(await rawGet(path))).toMatchObject({ current_price: 2 });

      await proxy.start();
      const healed = await waitFor(
        async () => {
          const answer = await rawGet(path);
          return answer.headers['x-cache'] !== undefined ? answer : undefined;
        },
        'the cache to be used again',
        10_000,
      );
      expect(decode(healed)).toMatchObject({ current_price: 2 });
    });
  });
});
