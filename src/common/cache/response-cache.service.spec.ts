import type { Cache } from 'cache-manager';
import type Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../../config/app-config';
import { buildEntry, encodeEntry, type CachedResponse } from './cached-response';
import { ResponseCacheService } from './response-cache.service';

const MIB = 2 ** 20;

function build(
  options: { memoryMaxBytes?: number; redis?: boolean; shared?: Map<string, unknown> } = {},
): ResponseCacheService {
  const config = {
    cache: {
      ttlSeconds: 300,
      memoryMaxBytes: options.memoryMaxBytes ?? MIB,
      invalidationIntervalMs: 0,
    },
  } as AppConfig;
  const shared = options.shared ?? new Map<string, unknown>();
  const store = {
    get: (key: string) => Promise.resolve(shared.get(key)),
    set: (key: string, value: unknown) => Promise.resolve(shared.set(key, value)),
  } as unknown as Cache;
  return new ResponseCacheService(store, options.redis ? ({} as Redis) : null, config);
}

/** An answer of about `bytes` that does not compress (random text). */
const answerOf = (bytes: number) =>
  buildEntry({ data: randomBytes(bytes / 2).toString('hex') }, {});

describe(ResponseCacheService.name, () => {
  it('computes a key once however many requests wait for it', async () => {
    const sut = build();
    let calls = 0;
    const compute = async (): Promise<CachedResponse> => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return buildEntry({ answer: 42 }, {});
    };

    const entries = await Promise.all(
      Array.from({ length: 50 }, () => sut.resolve('k|v1', compute)),
    );

    expect(calls).toBe(1);
    expect(new Set(entries).size).toBe(1);
    expect(sut.peek('k|v1')).toBe(entries[0]);
    // A new generation is a new key: computed again, once.
    await Promise.all(Array.from({ length: 10 }, () => sut.resolve('k|v2', compute)));
    expect(calls).toBe(2);
  });

  it('shares a failure with the requests that waited, and computes again afterwards', async () => {
    const sut = build();
    const failing = () => Promise.reject(new Error('database down'));

    const results = await Promise.allSettled([
      sut.resolve('k', failing),
      sut.resolve('k', failing),
    ]);

    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(sut.peek('k')).toBeUndefined();
    await expect(sut.resolve('k', () => buildEntry({ ok: true }, {}))).resolves.toBeTruthy();
  });

  it('keeps no more bytes than its budget under a stream of distinct keys', async () => {
    const sut = build({ memoryMaxBytes: MIB });
    const entry = await answerOf(20_000);

    for (let i = 0; i < 500; i++)
      await sut.resolve(`listing|min_volume=${i}|v1`, async () => entry);

    expect(sut.memoryBytes).toBeLessThanOrEqual(MIB);
    expect(sut.memoryBytes).toBeGreaterThan(MIB / 2);
    // The newest keys are kept, the oldest evicted.
    expect(sut.peek('listing|min_volume=499|v1')).toBe(entry);
    expect(sut.peek('listing|min_volume=0|v1')).toBeUndefined();
  });

  it('serves but does not keep an answer larger than a quarter of its budget', async () => {
    const sut = build({ memoryMaxBytes: MIB });
    const huge = await answerOf(400_000);

    await expect(sut.resolve('huge', async () => huge)).resolves.toBe(huge);
    expect(sut.peek('huge')).toBeUndefined();
    expect(sut.memoryBytes).toBe(0);
  });

  it('reads an answer another instance stored in the shared level instead of computing it', async () => {
    const shared = new Map<string, unknown>();
    const entry = await buildEntry({ computedBy: 'instance A' }, { 'x-total-count': '1' });
    shared.set('k', encodeEntry(entry));
    const sut = build({ redis: true, shared });
    const compute = jest.fn(() => buildEntry({ computedBy: 'instance B' }, {}));

    const found = await sut.resolve('k', compute);

    expect(compute).not.toHaveBeenCalled();
    expect(JSON.parse(found!.body.toString())).toEqual({ computedBy: 'instance A' });
    expect(found!.headers).toEqual({ 'x-total-count': '1' });
  });

  it('stores what it computed in the shared level', async () => {
    const shared = new Map<string, unknown>();
    const sut = build({ redis: true, shared });

    const entry = await sut.resolve('k', () => buildEntry({ n: 1 }, {}));

    expect(shared.get('k')).toBe(encodeEntry(entry!));
  });
});
