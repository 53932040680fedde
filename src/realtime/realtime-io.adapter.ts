import { Logger, type INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { filter, type Observable } from 'rxjs';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type Redis from 'ioredis';
import type { Server as HttpServer } from 'node:http';
import { Server, type ServerOptions } from 'socket.io';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { closeRedisClient, createBlockingRedisClient } from '../redis/redis-client.factory';
import { RedisKeys } from '../redis/redis-keys';
import { guardAgainstRedisOutage } from './redis-outage.adapter';

const HANDLER_LOGGER = new Logger('RealtimeIoAdapter');

/** Client messages are small JSON objects. */
const MAX_MESSAGE_BYTES = 16 * 1024;
/** Redis stream length: what reconnecting clients can be replayed from, across instances. */
const STREAM_MAX_LEN = 50_000;
/** How long a broadcast waits for Redis before this instance's sockets get it anyway. */
const PUBLISH_TIMEOUT_MS = 1_000;
/** A broadcast read from the stream this long after it was sent is not shown as live. */
const STALE_BROADCAST_MS = 5_000;

/**
 * The Socket.IO server on the Fastify HTTP server: heartbeat, CORS and connection-state
 * recovery from the configuration; with REDIS_URL the Redis streams adapter (which keeps
 * recovery working across instances) on a connection of its own, since it blocks on XREAD,
 * guarded so that a Redis outage neither silences this instance's sockets nor floods them
 * with stale prices afterwards (redis-outage.adapter.ts).
 */
export class RealtimeIoAdapter extends IoAdapter {
  private redis?: Redis;
  /** The connections the streams adapter duplicates from ours: its reader and subscriber. */
  private readonly duplicates: Redis[] = [];
  private readonly config: AppConfig;
  private readonly keys: RedisKeys;
  private readonly metrics: MetricsService;

  constructor(app: INestApplicationContext) {
    super(app);
    this.config = app.get(AppConfig);
    this.keys = app.get(RedisKeys);
    this.metrics = app.get(MetricsService);
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
      adapter = guardAgainstRedisOutage(
        createAdapter(this.redis, {
          streamName: keys.stream,
          channelPrefix: keys.channelPrefix,
          sessionKeyPrefix: keys.sessionPrefix,
          maxLen: STREAM_MAX_LEN,
          onlyPlaintext: true,
          // Bounds how long a closing instance waits for its last blocking read.
          blockTimeInMs: 2_000,
        }),
        {
          publisher: this.redis,
          publishTimeoutMs: PUBLISH_TIMEOUT_MS,
          staleAfterMs: STALE_BROADCAST_MS,
          onStaleDropped: () => this.metrics.countStaleBroadcastDropped(),
        },
      ) as ServerOptions['adapter'];
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

  /**
   * The gateway's handlers as one plain listener per message. IoAdapter builds an rxjs
   * pipeline per message per socket (fromEvent → mergeMap → takeUntil(disconnect)), which
   * every connection carries for its lifetime; a listener does the same dispatch — payload
   * and ack mapped as IoAdapter does, the handler's result (value, promise or observable)
   * sent as `{event, data}` or as the ack — and goes away with the socket.
   */
  override bindMessageHandlers(
    socket: Parameters<IoAdapter['bindMessageHandlers']>[0],
    handlers: MessageMappingProperties[],
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    for (const { message, callback, isAckHandledManually } of handlers) {
      socket.on(message as string, (...args: unknown[]) => {
        // As rxjs fromEvent hands them to IoAdapter: one argument alone, several as an array.
        const { data, ack } = this.mapPayload(args.length > 1 ? args : args[0]) as {
          data: unknown;
          ack?: unknown;
        };
        let response$: Observable<unknown>;
        try {
          response$ = transform(callback(data, ack));
        } catch (error) {
          HANDLER_LOGGER.error(error);
          return;
        }
        response$
          .pipe(filter((response) => response !== null && response !== undefined))
          .subscribe({
            next: (response) => {
              const event = response as { event?: string; data?: unknown };
              if (event.event) socket.emit(event.event, event.data);
              else if (!isAckHandledManually && typeof ack === 'function') {
                (ack as (response: unknown) => void)(response);
              }
            },
            error: (error: unknown) => HANDLER_LOGGER.error(error),
          });
      });
    }
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
