import { Subject } from 'rxjs';
import { loadAppConfig } from '../config/app-config';
import type { PriceStreamService } from './price-stream.service';
import { MetricsService } from '../metrics/metrics.service';
import { RealtimeFanoutService, type RealtimeServer } from './realtime-fanout.service';
import { RateTable } from '../currencies/conversion';
import { convertUpdate } from './realtime-currency';
import type { RealtimeQuotesService } from './realtime-quotes.service';
import type { MarketUpdate } from './realtime.events';
import type { SubscriptionsService } from './subscriptions.service';
import type { WsBridgeService } from './ws-bridge.service';

const EUR = new RateTable([{ day: 0, rate: 0.5 }], 7);

const anUpdate = (symbol = 'BTC'): MarketUpdate => ({
  event: 'price_update',
  payload: {
    symbol,
    price: 1,
    change_24h: null,
    volume_24h: null,
    timestamp: new Date(0).toISOString(),
    source: 'test',
    seq: 1,
  },
});

/** A Socket.IO socket with `queued` bytes in engine.io's buffer and `buffered` in the WebSocket's. */
function aSocket(transport: 'websocket' | 'polling', queued: number, buffered = 0) {
  const closed: string[] = [];
  return {
    id: `${transport}-${queued}-${buffered}`,
    closed,
    conn: {
      writeBuffer: queued > 0 ? [{ data: 'x'.repeat(queued) }] : [],
      transport: {
        name: transport,
        socket: { bufferedAmount: buffered, terminate: () => closed.push('terminated') },
      },
      close: (discard?: boolean) => closed.push(discard ? 'discarded' : 'closed'),
    },
  };
}

describe(RealtimeFanoutService.name, () => {
  const updates = new Subject<MarketUpdate>();
  const bridge = { deliver: jest.fn() };
  let broadcasts: { room: string; event: string; local?: true; payload?: unknown }[];
  let wanted: string[];
  let conversions: number;
  const subscriptions = { wantedCurrencies: () => wanted };
  const quotes = {
    convert: (update: MarketUpdate, currency: string) => {
      conversions += 1;
      return currency === 'eur' ? convertUpdate(update, currency, EUR, 0) : null;
    },
  };
  let relayHandler: ((update: MarketUpdate) => void) | undefined;
  let metrics: MetricsService;
  let sockets: Map<string, ReturnType<typeof aSocket>>;
  let relayed: unknown[];
  let sut: RealtimeFanoutService;

  const fakeServer = () =>
    ({
      to: (room: string) => ({
        emit: (event: string) => broadcasts.push({ room, event }),
      }),
      local: {
        to: (room: string) => ({
          emit: (event: string, payload: unknown) =>
            broadcasts.push({ room, event, local: true, payload }),
        }),
      },
      serverSideEmit: (...args: unknown[]) => relayed.push(args),
      on: (_event: string, handler: (update: MarketUpdate) => void) => (relayHandler = handler),
      of: () => ({ sockets }),
    }) as unknown as RealtimeServer;

  const start = (env: Record<string, string> = {}) => {
    sut = new RealtimeFanoutService(
      loadAppConfig(env),
      { updates$: updates } as unknown as PriceStreamService,
      bridge as unknown as WsBridgeService,
      metrics,
      subscriptions as unknown as SubscriptionsService,
      quotes as unknown as RealtimeQuotesService,
    );
    sut.attach(fakeServer());
  };

  beforeEach(() => {
    jest.useFakeTimers();
    broadcasts = [];
    wanted = [];
    conversions = 0;
    relayHandler = undefined;
    relayed = [];
    sockets = new Map();
    metrics = new MetricsService();
    bridge.deliver.mockClear();
  });

  afterEach(() => {
    sut.onModuleDestroy();
    jest.useRealTimers();
  });

  it("sends each update to its symbol's room and to the bridge", () => {
    start();

    updates.next(anUpdate('ETH'));

    expect(broadcasts).toEqual([{ room: 'symbol:ETH', event: 'price_update' }]);
    expect(bridge.deliver).toHaveBeenCalledWith(anUpdate('ETH'), new Map());
    expect(relayed).toEqual([]);
    expect(conversions).toBe(0);
  });

  it('converts an update once per currency read here, to that currency’s room on this instance', () => {
    wanted = ['eur', 'gbp'];
    start();

    updates.next(anUpdate('ETH'));

    const eur = convertUpdate(anUpdate('ETH'), 'eur', EUR, 0);
    expect(broadcasts).toEqual([
      { room: 'symbol:ETH', event: 'price_update' },
      { room: 'prices:ETH:eur', event: 'price_update', local: true, payload: eur.payload },
    ]);
    expect(eur.payload).toMatchObject({ price: 0.5, vs_currency: 'eur' });
    // gbp has no rates held here (nobody subscribed through this instance): not sent.
    expect(conversions).toBe(2);
    expect(bridge.deliver).toHaveBeenCalledWith(anUpdate('ETH'), new Map([['eur', eur]]));
  });

  it('converts relayed updates of other instances for its own clients, without rebroadcasting', () => {
    wanted = ['eur'];
    start({ REDIS_URL: 'redis://127.0.0.1:6379' });

    relayHandler?.(anUpdate('BTC'));

    expect(broadcasts).toEqual([expect.objectContaining({ room: 'prices:BTC:eur', local: true })]);
    expect(relayed).toEqual([]);
    expect(bridge.deliver).toHaveBeenCalledTimes(1);
  });

  it('relays updates to the other instances’ bridges when Redis connects them', () => {
    start({ REDIS_URL: 'redis://127.0.0.1:6379' });

    updates.next(anUpdate());

    expect(relayed).toEqual([['realtime:bridge', anUpdate()]]);
  });

  it('closes sockets whose unsent bytes pass WS_MAX_BUFFERED_BYTES, and counts them', async () => {
    const bound = 16_384;
    const reading = aSocket('websocket', 100, bound - 100);
    const stuckWebSocket = aSocket('websocket', 1, bound);
    const stuckPolling = aSocket('polling', bound + 1);
    for (const socket of [reading, stuckWebSocket, stuckPolling]) sockets.set(socket.id, socket);
    start({ WS_MAX_BUFFERED_BYTES: String(bound) });

    jest.advanceTimersByTime(500);

    expect(reading.closed).toEqual([]);
    // A WebSocket's TCP socket is destroyed (no closing handshake behind the queue).
    expect(stuckWebSocket.closed).toEqual(['terminated']);
    expect(stuckPolling.closed).toEqual(['discarded']);
    const exposed = await metrics.render();
    expect(exposed).toContain('realtime_slow_consumers_closed_total{protocol="socket.io"} 2');
  });
});
