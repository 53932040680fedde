import type Redis from 'ioredis';
import type { Namespace } from 'socket.io';

/** socket.io-adapter's MessageType.BROADCAST, as it travels in the stream (a string). */
const BROADCAST = 3;

/** What socket.io-adapter's ClusterAdapter (which the Redis streams adapter extends) has at run time. */
interface BroadcastOptions {
  rooms: Set<string>;
  except?: Set<string>;
  flags?: { local?: boolean; [flag: string]: unknown };
}
interface ClusterMessage {
  type: number;
  data?: unknown;
}
type RawMessage = Record<string, string>;
interface StreamsAdapter {
  broadcast(packet: unknown, opts: BroadcastOptions): Promise<void> | void;
  publish(message: ClusterMessage): void;
  publishAndReturnOffset(message: ClusterMessage): Promise<string>;
  addOffsetIfNecessary(packet: unknown, opts: BroadcastOptions, offset: string): void;
  encode(message: ClusterMessage): RawMessage;
  onRawMessage(raw: RawMessage, offset: string): void;
  persistSession(session: unknown): void;
  restoreSession(pid: string, offset: string): Promise<unknown>;
}

export interface OutageGuardOptions {
  /** The connection the adapter publishes with: while it is not ready, Redis is away. */
  publisher: Redis;
  /** How long a broadcast waits for Redis before it is delivered here anyway. */
  publishTimeoutMs: number;
  /** A broadcast from another instance older than this is dropped, not shown as live. */
  staleAfterMs: number;
  onStaleDropped(): void;
}

/**
 * The Redis streams adapter delivers a broadcast to this instance's own sockets only after
 * Redis took it, and its connection queues commands while Redis is away: subscribers went
 * silent during an outage and were flooded with stale prices when Redis came back. This
 * wraps each namespace's adapter so that:
 * - while Redis is away, broadcasts are delivered to this instance's sockets at once (the
 *   other instances' sockets miss them: nothing connects the instances), and nothing is
 *   queued for later (inter-instance messages are dropped, sessions not stored);
 * - a broadcast waits at most `publishTimeoutMs` for Redis before local delivery;
 * - every stream entry carries its publish time, and an entry older than `staleAfterMs`
 *   when another instance reads it (one queued before the outage and written after) is
 *   dropped and counted;
 * - restoring a recovery session fails fast while Redis is away (the client gets a fresh
 *   session, then its snapshot) instead of waiting for Redis.
 */
export function guardAgainstRedisOutage<A>(
  factory: (nsp: Namespace) => A,
  options: OutageGuardOptions,
): (nsp: Namespace) => A {
  const up = () => options.publisher.status === 'ready';
  // Socket.IO calls the adapter option with `new`: a function (not an arrow) returning the
  // adapter object, like the one createAdapter returns.
  return function guardedAdapter(nsp: Namespace): A {
    const created = factory(nsp);
    const adapter = created as unknown as StreamsAdapter;
    const deliverHere = adapter.broadcast.bind(adapter);
    const publish = adapter.publish.bind(adapter);
    const encode = adapter.encode.bind(adapter);
    const onRawMessage = adapter.onRawMessage.bind(adapter);
    const persistSession = adapter.persistSession.bind(adapter);
    const restoreSession = adapter.restoreSession.bind(adapter);
    const local = (opts: BroadcastOptions) => ({ ...opts, flags: { ...opts.flags, local: true } });

    adapter.broadcast = async (packet, opts) => {
      if (!opts.flags?.local && up()) {
        const offset = await withTimeout(
          adapter.publishAndReturnOffset({
            type: BROADCAST,
            data: {
              packet,
              opts: { rooms: [...opts.rooms], except: [...(opts.except ?? [])], flags: opts.flags },
            },
          }),
          options.publishTimeoutMs,
        ).catch(() => undefined);
        if (offset !== undefined) adapter.addOffsetIfNecessary(packet, opts, offset);
      }
      return deliverHere(packet, local(opts));
    };
    adapter.publish = (message) => {
      if (up()) publish(message);
    };
    adapter.encode = (message) => ({ ...encode(message), sent_at: String(Date.now()) });
    adapter.onRawMessage = (raw, offset) => {
      const sentAt = Number(raw.sent_at);
      if (Number(raw.type) === BROADCAST && Date.now() - sentAt > options.staleAfterMs) {
        options.onStaleDropped();
        return;
      }
      onRawMessage(raw, offset);
    };
    adapter.persistSession = (session) => {
      if (up()) persistSession(session);
    };
    adapter.restoreSession = (pid, offset) =>
      up()
        ? withTimeout(restoreSession(pid, offset), options.publishTimeoutMs)
        : Promise.reject(new Error('Redis is away'));
    return created;
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from Redis in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
