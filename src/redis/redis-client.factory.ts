import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { once } from 'node:events';

const logger = new Logger('Redis');

const CONNECT_TIMEOUT_MS = 2_000;
const COMMAND_TIMEOUT_MS = 1_000;
const MAX_RECONNECT_DELAY_MS = 3_000;

/** Logs each outage once (ioredis repeats errors on every reconnect attempt). */
function reportOutages(client: Redis, name: string): void {
  const log = new Logger(name);
  let connected = false;
  client.on('ready', () => {
    connected = true;
    log.log('connected');
  });
  client.on('close', () => {
    if (connected)
      log.warn('connection lost; serving without Redis, reconnecting in the background');
    connected = false;
  });
  client.on('error', (error: Error) => log.debug(`connection error: ${error.message}`));
}

const retryStrategy = (attempt: number): number =>
  Math.min(100 * 2 ** Math.min(attempt, 5), MAX_RECONNECT_DELAY_MS);

/**
 * Builds the shared connection. It fails fast rather than queueing when Redis is away
 * (offline queue off, bounded connect and command timeouts) and keeps reconnecting in the
 * background, so callers can fall back to PostgreSQL and heal without a restart.
 *
 * Commands are auto-pipelined: everything issued in one event-loop turn (under load, the
 * price reads and rate-limit leases of every request parsed in that turn) goes out in one
 * write and comes back in one read. Measured on the price read at 50 connections: system
 * CPU per request 15 -> 9 us, throughput +12-17 %, p99 unchanged. One batch is in flight
 * at a time, so a command waits at most for the batch ahead of it; nothing on this
 * connection blocks or subscribes (the Socket.IO adapter has its own connection).
 */
export async function createRedisClient(url: string): Promise<Redis> {
  const client = new Redis(url, {
    connectionName: 'crypto-market-api',
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy,
    lazyConnect: true,
    enableAutoPipelining: true,
  });
  reportOutages(client, 'Redis');

  client.connect().catch((error: unknown) => {
    logger.warn({ err: error }, 'not reachable at startup; serving without it until it is');
  });
  // Give the first connection a bounded chance so the first requests can use the cache.
  await once(client, 'ready', { signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS) }).catch(
    () => undefined,
  );
  return client;
}

/**
 * A connection for a background consumer that blocks on reads (the Socket.IO streams
 * adapter's XREAD, which it duplicates from this one): no command timeout, and commands
 * wait for a reconnection instead of failing, since nobody is waiting on them but the loop.
 */
export function createBlockingRedisClient(url: string, name: string): Redis {
  const client = new Redis(url, {
    connectionName: `crypto-market-api:${name}`,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: null,
    retryStrategy,
  });
  reportOutages(client, `Redis:${name}`);
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
