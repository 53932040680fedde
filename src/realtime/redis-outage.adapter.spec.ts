import type Redis from 'ioredis';
import type { Namespace } from 'socket.io';
import { guardAgainstRedisOutage } from './redis-outage.adapter';

/** Stands in for the Redis streams adapter: records what it was asked to do. */
class FakeStreamsAdapter {
  readonly delivered: { packet: unknown; local: boolean }[] = [];
  readonly published: unknown[] = [];
  readonly offsets: string[] = [];
  readonly readFromStream: unknown[] = [];
  readonly sessions: unknown[] = [];
  publishAnswer: () => Promise<string> = () => Promise.resolve('1-0');

  // Promise-returning once guarded, as the real adapter's is.
  broadcast(
    packet: unknown,
    opts: { rooms?: Set<string>; except?: Set<string>; flags?: { local?: boolean } },
  ): void | Promise<void> {
    this.delivered.push({ packet, local: opts.flags?.local === true });
  }
  publish(message: unknown): void {
    this.published.push(message);
  }
  publishAndReturnOffset(message: unknown): Promise<string> {
    this.published.push(message);
    return this.publishAnswer();
  }
  addOffsetIfNecessary(_packet: unknown, _opts: unknown, offset: string): void {
    this.offsets.push(offset);
  }
  encode(message: { type: number }): Record<string, string> {
    return { type: String(message.type) };
  }
  onRawMessage(raw: unknown, _offset?: string): void {
    this.readFromStream.push(raw);
  }
  persistSession(session: unknown): void {
    this.sessions.push(session);
  }
  restoreSession(_pid: string, _offset: string): Promise<unknown> {
    return new Promise(() => undefined); // Redis never answers
  }
}

describe(guardAgainstRedisOutage.name, () => {
  const publisher = { status: 'ready' };
  const onStaleDropped = jest.fn();
  let fake: FakeStreamsAdapter;

  const guarded = () => {
    fake = new FakeStreamsAdapter();
    return guardAgainstRedisOutage(() => fake, {
      publisher: publisher as unknown as Redis,
      publishTimeoutMs: 1_000,
      staleAfterMs: 5_000,
      onStaleDropped,
    })({} as Namespace);
  };
  const everyone = { rooms: new Set(['symbol:BTC']), except: new Set<string>() };

  beforeEach(() => {
    publisher.status = 'ready';
    onStaleDropped.mockClear();
  });

  it('publishes through Redis, then delivers here with the stream offset', async () => {
    const sut = guarded();

    await sut.broadcast('packet', everyone);

    expect(fake.published).toHaveLength(1);
    expect(fake.offsets).toEqual(['1-0']);
    expect(fake.delivered).toEqual([{ packet: 'packet', local: true }]);
  });

  it('delivers here at once, queueing nothing, while Redis is away', async () => {
    const sut = guarded();
    publisher.status = 'reconnecting';

    await sut.broadcast('packet', everyone);
    sut.publish({ type: 9 });
    sut.persistSession({ pid: 'p' });

    expect(fake.published).toEqual([]);
    expect(fake.sessions).toEqual([]);
    expect(fake.delivered).toEqual([{ packet: 'packet', local: true }]);
    await expect(sut.restoreSession('p', '1-0')).rejects.toThrow('away');
  });

  it('delivers here after the publish timeout when Redis does not answer', async () => {
    jest.useFakeTimers();
    try {
      const sut = guarded();
      fake.publishAnswer = () => new Promise(() => undefined);

      const sent = sut.broadcast('packet', everyone);
      await jest.advanceTimersByTimeAsync(999);
      expect(fake.delivered).toEqual([]);
      await jest.advanceTimersByTimeAsync(1);
      await sent;

      expect(fake.delivered).toEqual([{ packet: 'packet', local: true }]);
      expect(fake.offsets).toEqual([]);
      // Restoring a session is bounded the same way.
      const restored = sut.restoreSession('p', '1-0');
      const outcome = expect(restored).rejects.toThrow('no answer from Redis');
      await jest.advanceTimersByTimeAsync(1_000);
      await outcome;
    } finally {
      jest.useRealTimers();
    }
  });

  it('stamps stream entries and drops broadcasts read long after they were sent', () => {
    const sut = guarded();
    const stamped = sut.encode({ type: 3 });
    expect(Number(stamped.sent_at)).toBeGreaterThan(Date.now() - 1_000);

    sut.onRawMessage(stamped, '1-0');
    sut.onRawMessage({ type: '3', sent_at: String(Date.now() - 6_000) }, '2-0');
    sut.onRawMessage({ type: '4', sent_at: String(Date.now() - 6_000) }, '3-0');

    expect(fake.readFromStream).toEqual([stamped, { type: '4', sent_at: expect.any(String) }]);
    expect(onStaleDropped).toHaveBeenCalledTimes(1);
  });
});
