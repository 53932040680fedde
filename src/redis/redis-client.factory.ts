import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { once } from 'node:events';

const logger = new Logger('Redis');

const CONNECT_TIMEOUT_MS = 2_000;
const COMMAND_TIMEOUT_MS = 1_000;
const MAX_RECONNECT_DELAY_MS = 3_000;

/**
 * Builds the shared connection. It fails fast rather than queueing when Redis is away
 * (offline queue off, bounded connect and command timeouts) and keeps reconnecting in the
 * background, so callers can fall back to PostgreSQL and heal without a restart.
 */
export async function createRedisClient(url: string): Promise<Redis> {
  const client = new Redis(url, {
    connectionName: 'crypto-market-api',
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 5), MAX_RECONNECT_DELAY_MS),
    lazyConnect: true,
  });

  // ioredis repeats errors on every reconnect attempt; report each outage once.
  let connected = false;
  client.on('ready', () => {
    connected = true;
    logger.log('connected');
  });
  client.on('close', () => {
    if (connected)
      logger.warn('connection lost; serving without Redis, reconnecting in the background');
    connected = false;
  });
  client.on('error', (error: Error) => logger.debug(`connection error: ${error.message}`));

  client.connect().catch((error: unknown) => {
    logger.warn({ err: error }, 'not reachable at startup; serving without it until it is');
  });
  // Give the first connection a bounded chance so the first requests can use the cache.
  await once(client, 'ready', { signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS) }).catch(
    () => undefined,
  );
  return client;
}

export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  client.removeAllListeners('close'); // a deliberate close is not an outage
  const timer = setTimeout(() => client.disconnect(), 1_000);
  try {
    await client.quit();
  } catch {
    client.disconnect();
  } finally {
    clearTimeout(timer);
  }
}
