import { Subject } from 'rxjs';
import { loadAppConfig } from '../config/app-config';
import type { PriceStreamService } from './price-stream.service';
import { MetricsService } from '../metrics/metrics.service';
import { RealtimeFanoutService, type RealtimeServer } from './realtime-fanout.service';
import type { MarketUpdate } from './realtime.events';
import type { WsBridgeService } from './ws-bridge.service';

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
  let broadcasts: { room: string; event: string }[];
  let metrics: MetricsService;
  let sockets: Map<string, ReturnType<typeof aSocket>>;
  let relayed: unknown[];
  let sut: RealtimeFanoutService;

  const fakeServer = () =>
    ({
      to: (room: string) => ({
        emit: (event: string) => broadcasts.push({ room, event }),
      }),
      serverSideEmit: (...args: unknown[]) => relayed.push(args),
      on: jest.fn(),
      of: () => ({ sockets }),
    }) as unknown as RealtimeServer;

  const start = (env: Record<string, string> = {}) => {
    sut = new RealtimeFanoutService(
      loadAppConfig(env),
      { updates$: updates } as unknown as PriceStreamService,
      bridge as unknown as WsBridgeService,
      metrics,
    );
    sut.attach(fakeServer());
  };

  beforeEach(() => {
    jest.useFakeTimers();
    broadcasts = [];
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
    expect(bridge.deliver).toHaveBeenCalledWith(anUpdate('ETH'));
    expect(relayed).toEqual([]);
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
