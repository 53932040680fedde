import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from '../../src/redis/redis.constants';
import { AppModule } from '../../src/app.module';
import { buildFastifyAdapter, configureApp } from '../../src/app.setup';
import { loadAppConfig, type AppConfig } from '../../src/config/app-config';
import { ProbeModule } from './probe.module';
import { createTestDatabase, type TestDatabase } from './test-database';

/** Server mode: the suite's Redis. Embedded mode (unset): the in-memory stand-in. */
export const serverRedisUrl = process.env.REDIS_URL || undefined;

/** Leaves the shared Redis as the suite found it: deletes the keys under `prefix`. */
export async function deleteRedisKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  baseUrl: string;
  database: TestDatabase;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Reuse a database (e.g. two instances on one database); not dropped by close(). */
  database?: TestDatabase;
  /** Listen on this port (a restart on the port a client knows); default a free one. */
  port?: number;
}

/**
 * Boots the real application (Fastify, real database, real Redis when asked for) on a
 * random port, plus the probe routes. Uses Redis when the suite runs in server mode. Logs are silent unless TEST_LOG_LEVEL is set.
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const ownDatabase = options.database === undefined;
  const database = options.database ?? (await createTestDatabase());
  const config = loadAppConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SYNC_ON_STARTUP: 'false',
    // The bundled daily history has its own suite (history-import).
    HISTORY_BUNDLE_IMPORT: 'false',
    INGESTION_SCHEDULE: 'false',
    BINANCE_STREAM: 'false',
    // Suites send many requests from one address; the rate-limit suite sets its own limits.
    RATE_LIMIT_PER_MINUTE: '1000000',
    SYNC_RATE_LIMIT_PER_MINUTE: '1000000',
    // Suites ingest and read back at once; the bounded bump rate has its own tests.
    CACHE_INVALIDATION_INTERVAL_MS: '0',
    // Suites share the Redis server but not a database: keep their keys apart.
    REDIS_KEY_PREFIX: `test-${randomBytes(4).toString('hex')}`,
    ...(serverRedisUrl ? { REDIS_URL: serverRedisUrl } : {}),
    ...database.env,
    ...options.env,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot(config), ProbeModule],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(buildFastifyAdapter(config), {
    bufferLogs: true,
  });
  await configureApp(app, config);
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app,
    config,
    baseUrl,
    database,
    close: async () => {
      const redis = app.get<Redis | null>(REDIS_CLIENT);
      if (redis?.status === 'ready') await deleteRedisKeys(redis, config.redis.keyPrefix);
      await app.close();
      if (ownDatabase) await database.drop();
    },
  };
}

/**
 * Two instances of one deployment: one database (created here, dropped by `close`) and the
 * same env, so with Redis they also share its keys (give the env its own REDIS_KEY_PREFIX).
 */
export async function startTestCluster(
  env: Record<string, string>,
): Promise<{ first: TestApp; second: TestApp; close(): Promise<void> }> {
  const database = await createTestDatabase();
  const first = await startTestApp({ env, database });
  const second = await startTestApp({ env, database });
  return {
    first,
    second,
    close: async () => {
      await second.close();
      await first.close();
      await database.drop();
    },
  };
}
