import { Subject } from 'rxjs';
import { loadAppConfig } from '../config/app-config';
import type { PriceStreamService } from './price-stream.service';
import { RealtimeFanoutService, SLOW_ROOM, type RealtimeServer } from './realtime-fanout.service';
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

function aSocket(writable: boolean) {
  const rooms = new Set<string>();
  return {
    conn: { transport: { writable } },
    rooms,
    join: (room: string) => void rooms.add(room),
    leave: (room: string) => void rooms.delete(room),
  };
}

describe(RealtimeFanoutService.name, () => {
  const updates = new Subject<MarketUpdate>();
  const bridge = { deliver: jest.fn() };
  let broadcasts: { room: string; except: string; event: string }[];
  let sockets: Map<string, ReturnType<typeof aSocket>>;
  let relayed: unknown[];
  let sut: RealtimeFanoutService;

  const fakeServer = () =>
    ({
      to: (room: string) => ({
        except: (except: string) => ({
          emit: (event: string) => broadcasts.push({ room, except, event }),
        }),
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
    );
    sut.attach(fakeServer());
  };

  beforeEach(() => {
    jest.useFakeTimers();
    broadcasts = [];
    relayed = [];
    sockets = new Map();
    bridge.deliver.mockClear();
  });

  afterEach(() => {
    sut.onModuleDestroy();
    jest.useRealTimers();
  });

  it("sends each update to its symbol's room, leaving slow sockets out, and to the bridge", () => {
    start();

    updates.next(anUpdate('ETH'));

    expect(broadcasts).toEqual([{ room: 'symbol:ETH', except: SLOW_ROOM, event: 'price_update' }]);
    expect(bridge.deliver).toHaveBeenCalledWith(anUpdate('ETH'));
    expect(relayed).toEqual([]);
  });

  it('relays updates to the other instances’ bridges when Redis connects them', () => {
    start({ REDIS_URL: 'redis://127.0.0.1:6379' });

    updates.next(anUpdate());

    expect(relayed).toEqual([['realtime:bridge', anUpdate()]]);
  });

  it('moves a socket whose transport stays unwritable to the slow room, and back once it drains', () => {
    const stuck = aSocket(false);
    const blinking = aSocket(false);
    sockets.set('stuck', stuck).set('blinking', blinking);
    start();

    jest.advanceTimersByTime(1_000);
    blinking.conn.transport.writable = true;
    jest.advanceTimersByTime(500);

    expect(stuck.rooms.has(SLOW_ROOM)).toBe(true);
    expect(blinking.rooms.has(SLOW_ROOM)).toBe(false);

    stuck.conn.transport.writable = true;
    jest.advanceTimersByTime(500);
    expect(stuck.rooms.has(SLOW_ROOM)).toBe(false);
  });
});
