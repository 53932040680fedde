import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type Redis from 'ioredis';
import type { Server as HttpServer } from 'node:http';
import { Server, type ServerOptions } from 'socket.io';
import { AppConfig } from '../config/app-config';
import { closeRedisClient, createBlockingRedisClient } from '../redis/redis-client.factory';
import { RedisKeys } from '../redis/redis-keys';

/** Client messages are small JSON objects. */
const MAX_MESSAGE_BYTES = 16 * 1024;
/** Redis stream length: what reconnecting clients can be replayed from, across instances. */
const STREAM_MAX_LEN = 50_000;

/**
 * The Socket.IO server on the Fastify HTTP server: heartbeat, CORS and connection-state
 * recovery from the configuration; with REDIS_URL the Redis streams adapter (which keeps
 * recovery working across instances) on a connection of its own, since it blocks on XREAD.
 */
export class RealtimeIoAdapter extends IoAdapter {
  private redis?: Redis;
  /** The connections the streams adapter duplicates from ours: its reader and subscriber. */
  private readonly duplicates: Redis[] = [];
  private readonly config: AppConfig;
  private readonly keys: RedisKeys;

  constructor(app: INestApplicationContext) {
    super(app);
    this.config = app.get(AppConfig);
    this.keys = app.get(RedisKeys);
  }

  /**
   * Built here rather than by IoAdapter, which would use the socket.io copy pinned inside
   * @nestjs/platform-socket.io: the server, its adapter and the gateway's types must come
   * from the one socket.io the project depends on.
   */
  override createIOServer(
    _port: number,
    options?: object,
  ): ReturnType<IoAdapter['createIOServer']> {
    const { realtime, http, redis } = this.config;
    let adapter: ServerOptions['adapter'] | undefined;
    if (redis.url) {
      this.redis ??= this.trackDuplicates(createBlockingRedisClient(redis.url, 'socket.io'));
      const keys = this.keys.socketIo;
      adapter = createAdapter(this.redis, {
        streamName: keys.stream,
        channelPrefix: keys.channelPrefix,
        sessionKeyPrefix: keys.sessionPrefix,
        maxLen: STREAM_MAX_LEN,
        onlyPlaintext: true,
        // Bounds how long a closing instance waits for its last blocking read.
        blockTimeInMs: 2_000,
      });
    }
    const server = new Server(this.httpServer as HttpServer, {
      ...(options as Partial<ServerOptions>),
      serveClient: true,
      maxHttpBufferSize: MAX_MESSAGE_BYTES,
      pingInterval: realtime.heartbeatMs,
      pingTimeout: Math.min(20_000, realtime.heartbeatMs),
      cors: { origin: http.corsOrigins },
      ...(realtime.recoveryWindowMs > 0
        ? {
            connectionStateRecovery: {
              maxDisconnectionDuration: realtime.recoveryWindowMs,
              skipMiddlewares: true,
            },
          }
        : {}),
      ...(adapter ? { adapter } : {}),
    });
    return server as unknown as ReturnType<IoAdapter['createIOServer']>;
  }

  /** Closing the server closes the streams adapter, which drops its connections at once. */
  override async close(server: Parameters<IoAdapter['close']>[0]): Promise<void> {
    await Promise.all(this.duplicates.map(settle));
    await super.close(server);
  }

  override async dispose(): Promise<void> {
    if (this.redis) await closeRedisClient(this.redis);
    // The adapter drops its reader only once a read returns; while Redis is unreachable that
    // read waits for a reconnection that would never stop trying.
    for (const copy of this.duplicates) if (copy.status !== 'end') copy.disconnect();
  }

  private trackDuplicates(client: Redis): Redis {
    const duplicate = client.duplicate.bind(client);
    client.duplicate = (...args: Parameters<Redis['duplicate']>) => {
      const copy = duplicate(...args);
      this.duplicates.push(copy);
      return copy;
    };
    return client;
  }
}

/**
 * The streams adapter subscribes without handling a failure, so closing while its SUBSCRIBE
 * is unanswered rejects it unhandled (the process would crash on shutdown). Waits until a
 * connection has nothing in flight but the adapter's own blocking XREAD. Bounded: shutdown
 * never waits long on an unreachable Redis.
 */
async function settle(client: Redis): Promise<void> {
  const deadline = Date.now() + 1_000;
  const sleep = () => new Promise((resolve) => setTimeout(resolve, 10));
  const busy = () =>
    client.status !== 'ready' ||
    client.commandQueue.toArray().some((item) => item.command.name !== 'xread');
  // Commands queued while connecting are written just after 'ready'.
  await new Promise((resolve) => setImmediate(resolve));
  while (client.status !== 'end' && busy() && Date.now() < deadline) await sleep();
}
