import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { IngestionService } from '../src/ingestion/ingestion.service';
import { BinanceStreamService } from '../src/ingestion/live/binance-stream.service';
import { KlineSyncService } from '../src/ingestion/live/kline-sync.service';
import { PriceBus, type CandleUpdated, type PriceUpdated } from '../src/price-history/price-bus';
import { clientsFor } from './support/clients';
import { FakeBinance } from './support/fake-binance';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const MINUTE = 60_000;
const TICKER = JSON.parse(
  readFileSync(join(__dirname, 'fixtures', 'providers', 'binance-ticker-24hr.json'), 'utf8'),
) as Record<string, unknown>[];
const minuteOf = (time: number) => Math.floor(time / MINUTE) * MINUTE;

async function candleSpan(sut: TestApp, symbol: string, source = 'binance') {
  const [row] = await sut.app
    .get(DataSource)
    .query<{ count: string; first: Date | null; last: Date | null; closed: string }[]>(
      `SELECT count(*) AS count, min(open_time) AS first, max(open_time) AS last,
            count(*) FILTER (WHERE is_closed) AS closed
     FROM candles c JOIN assets a ON a.id = c.asset_id WHERE a.symbol = $1 AND c.source = $2`,
      [symbol, source],
    );
  const first = row.first ? new Date(row.first).getTime() : null;
  const last = row.last ? new Date(row.last).getTime() : null;
  return {
    count: Number(row.count),
    closed: Number(row.closed),
    first,
    last,
    /** Minutes the span covers: equal to count when there is no hole. */
    minutes: first !== null && last !== null ? (last - first) / MINUTE + 1 : 0,
  };
}

async function checkpoint(sut: TestApp, key: string): Promise<number | null> {
  const rows = await sut.app
    .get(DataSource)
    .query<{ cursor: { last_closed_open_time: number } }[]>(
      `SELECT cursor FROM etl_checkpoints WHERE source = 'binance' AND key = $1`,
      [key],
    );
  return rows[0]?.cursor.last_closed_open_time ?? null;
}

describe('Binance REST: 24 h ticker and kline catch-up (e2e, local fake Binance)', () => {
  const binance = new FakeBinance();
  let sut: TestApp;
  const { market } = clientsFor(() => sut.baseUrl);

  beforeAll(async () => {
    const { baseUrl } = await binance.start();
    sut = await startTestApp({
      env: {
        INGESTION_PROVIDERS: 'binance,csv',
        BINANCE_BASE_URL: baseUrl,
        BINANCE_SYMBOLS: 'BTC,ETH',
        BINANCE_BACKFILL_MINUTES: '1500',
        PROVIDER_TIMEOUT_MS: '1000',
      },
    });
  });

  afterAll(async () => {
    await sut.close();
    await binance.stop();
  });

  it('maps the 24 h ticker of the tracked USDT pairs into assets and snapshots', async () => {
    binance.ticker = TICKER;

    const run = await sut.app.get(IngestionService).run('binance', 'manual');

    expect(run).toMatchObject({ status: 'success', createdCount: 2, skippedCount: 0 });
    const request = binance.requests.find((r) => r.path === '/api/v3/ticker/24hr')!;
    expect(request.query.get('symbols')).toBe('["BTCUSDT","ETHUSDT"]');
    const btc = (await market.detail('BTC')).body;
    expect(btc).toMatchObject({
      symbol: 'BTC',
      name: 'Bitcoin',
      current_price: 97216,
      price_change_24h: -1234.56,
      price_change_percentage_24h: -1.254,
      high_24h: 98900,
      low_24h: 96100.1,
      total_volume: 2136218990.1234567,
      source: 'binance',
    });
  });

  it('skips and counts a ticker whose documented field was renamed (schema drift)', async () => {
    const { lastPrice, ...renamed } = TICKER[1];
    binance.ticker = [TICKER[0], { ...renamed, last_price: lastPrice }];

    const run = await sut.app.get(IngestionService).run('binance', 'manual');

    expect(run).toMatchObject({ status: 'partial', driftCount: 1, skippedCount: 1 });
    expect(run.details.drift).toEqual(['field lastPrice is missing (1 records)']);
  });

  it('backfills klines page by page from BINANCE_BACKFILL_MINUTES, with no hole, and checkpoints', async () => {
    const klines = sut.app.get(KlineSyncService);
    const before = minuteOf(Date.now());

    const run = await klines.execute(await klines.begin('manual'), ['BTC']);

    const requests = binance.klineRequests('BTCUSDT');
    expect(run).toMatchObject({ status: 'success', source: 'binance', skippedCount: 0 });
    expect(requests.map((r) => Number(r.query.get('startTime')))).toEqual([
      before - 1500 * MINUTE,
      before - 500 * MINUTE,
    ]);
    expect(requests[0].query.get('interval')).toBe('1m');
    expect(requests[0].query.get('limit')).toBe('1000');
    const span = await candleSpan(sut, 'BTC');
    expect(span.first).toBe(before - 1500 * MINUTE);
    expect(span.count).toBe(span.minutes);
    expect(span.count).toBeGreaterThanOrEqual(1501);
    // The still-open minute is stored as open, and the checkpoint stops before it.
    expect(span.closed).toBe(span.count - 1);
    expect(await checkpoint(sut, 'klines:BTC')).toBe(span.last! - MINUTE);
  });

  it('resumes from the checkpoint and changes nothing that has not changed', async () => {
    const klines = sut.app.get(KlineSyncService);
    const stored = (await checkpoint(sut, 'klines:BTC'))!;
    const already = binance.klineRequests('BTCUSDT').length;

    const run = await klines.execute(await klines.begin('manual'), ['BTC']);

    const requests = binance.klineRequests('BTCUSDT').slice(already);
    expect(requests.map((r) => Number(r.query.get('startTime')))).toEqual([stored + MINUTE]);
    // Only the open minute (and a minute that may have started meanwhile) is written again.
    expect(run.createdCount + run.updatedCount).toBeLessThanOrEqual(2);
    const span = await candleSpan(sut, 'BTC');
    expect(span.count).toBe(span.minutes);
  });

  it('keeps committed pages and their checkpoint when a later page fails, then resumes', async () => {
    const klines = sut.app.get(KlineSyncService);
    binance.klinesFailure = { status: 500, afterRequests: binance.klineRequests().length + 1 };
    const start = minuteOf(Date.now()) - 1500 * MINUTE;

    const failed = await klines.execute(await klines.begin('manual'), ['ETH']);

    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed.error).toMatch(/^ETH: Binance GET \/api\/v3\/klines: HTTP 500/);
    const afterFailure = await candleSpan(sut, 'ETH');
    expect(afterFailure).toMatchObject({ count: 1000, first: start });
    expect(await checkpoint(sut, 'klines:ETH')).toBe(afterFailure.last);

    binance.klinesFailure = undefined;
    const resumed = await klines.execute(await klines.begin('manual'), ['ETH']);

    expect(resumed.status).toBe('success');
    expect(Number(binance.klineRequests('ETHUSDT').at(-2)!.query.get('startTime'))).toBe(
      afterFailure.last! + MINUTE,
    );
    const span = await candleSpan(sut, 'ETH');
    expect(span.first).toBe(start);
    expect(span.count).toBe(span.minutes);
  });

  it('completes the range a first catch-up began when that one died before its first commit', async () => {
    const klines = sut.app.get(KlineSyncService);
    const db = sut.app.get(DataSource);
    binance.klinesFailure = { status: 500, afterRequests: binance.klineRequests().length };
    const planned = minuteOf(Date.now()) - 1500 * MINUTE;

    const died = await klines.execute(await klines.begin('manual'), ['SOL']);

    expect(died.status).toBe('failed');
    expect((await candleSpan(sut, 'SOL')).count).toBe(0);
    const [row] = await db.query<{ cursor: { backfill_from: number } }[]>(
      `SELECT cursor FROM etl_checkpoints WHERE source = 'binance' AND key = 'klines:SOL'`,
    );
    expect(row.cursor).toEqual({ backfill_from: planned });
    // As if it had begun (and died) an hour ago: the next catch-up starts where it began.
    const anHourEarlier = planned - 60 * MINUTE;
    await db.query(
      `UPDATE etl_checkpoints SET cursor = $1::jsonb WHERE source = 'binance' AND key = 'klines:SOL'`,
      [JSON.stringify({ backfill_from: anHourEarlier })],
    );
    binance.klinesFailure = undefined;
    const already = binance.klineRequests('SOLUSDT').length;

    const completed = await klines.execute(await klines.begin('manual'), ['SOL']);

    expect(completed.status).toBe('success');
    const requests = binance.klineRequests('SOLUSDT').slice(already);
    expect(Number(requests[0].query.get('startTime'))).toBe(anHourEarlier);
    const span = await candleSpan(sut, 'SOL');
    expect(span.first).toBe(anHourEarlier);
    expect(span.count).toBe(span.minutes);
  });
});

describe('Binance live stream (e2e, local WebSocket server)', () => {
  const binance = new FakeBinance();
  let sut: TestApp;
  const { market } = clientsFor(() => sut.baseUrl);
  let env: Record<string, string>;
  const prices: PriceUpdated[] = [];
  const candles: CandleUpdated[] = [];

  const finishedStreamRuns = async (app: TestApp, reason: string) =>
    app.app
      .get(DataSource)
      .query<{ status: string }[]>(
        `SELECT status FROM ingestion_runs WHERE trigger = 'stream' AND details->>'reason' = $1 AND finished_at IS NOT NULL`,
        [reason],
      );

  beforeAll(async () => {
    const { baseUrl, wsUrl } = await binance.start();
    env = {
      INGESTION_PROVIDERS: 'binance,csv',
      BINANCE_BASE_URL: baseUrl,
      BINANCE_WS_URL: wsUrl,
      BINANCE_STREAM: 'true',
      BINANCE_SYMBOLS: 'BTC',
      BINANCE_BACKFILL_MINUTES: '30',
      LIVE_FLUSH_MS: '100',
    };
    sut = await startTestApp({ env });
    sut.app.get(PriceBus).prices$.subscribe((e) => prices.push(e));
    sut.app.get(PriceBus).candles$.subscribe((e) => candles.push(e));
  });

  afterAll(async () => {
    await sut.close();
    await binance.stop();
  });

  it('subscribes to the combined trade and kline streams and backfills on connect', async () => {
    await waitFor(() => binance.open.length === 1, 'a stream connection');
    expect(binance.streamPaths[0]).toBe('/stream?streams=btcusdt@trade/btcusdt@kline_1m');

    const runs = await waitFor(async () => {
      const found = await finishedStreamRuns(sut, 'connected');
      return found.length > 0 ? found : null;
    }, 'the backfill run');
    expect(runs).toEqual([{ status: 'success' }]);
    const span = await candleSpan(sut, 'BTC');
    expect(span.count).toBe(span.minutes);
    expect(span.count).toBeGreaterThanOrEqual(31);
  });

  it('turns trades into the latest price, a live candle and bus events', async () => {
    const now = Date.now();
    binance.trade('BTCUSDT', 97_001.5, 0.5, now);
    binance.trade('BTCUSDT', 97_010, 0.25, now + 1);

    const price = await waitFor(async () => {
      const { body } = await market.price('BTC');
      return body.price === 97_010 ? body : null;
    }, 'the traded price');

    expect(price).toMatchObject({ source: 'binance', stale: false });
    // The latest price is stored before the cache is invalidated and the bus told.
    await waitFor(
      () => prices.some((e) => e.price === 97_010) && candles.some((e) => e.close === 97_010),
      'the bus events',
    );
    expect(prices).toContainEqual(
      expect.objectContaining({
        symbol: 'BTC',
        price: 97_010,
        timestamp: now + 1,
        source: 'binance',
      }),
    );
    expect(candles).toContainEqual(
      expect.objectContaining({
        symbol: 'BTC',
        openTime: minuteOf(now),
        close: 97_010,
        isClosed: false,
      }),
    );
  });

  it("stores a closed kline as the exchange's final candle", async () => {
    const openTime = minuteOf(Date.now()) - MINUTE;
    binance.closedKline('BTCUSDT', openTime, { o: 1, h: 3, l: 0.5, c: 2, v: 7 });

    const [row] = await waitFor(async () => {
      const rows = await sut.app
        .get(DataSource)
        .query<
          { open: string; close: string; volume: string; trade_count: number; is_closed: boolean }[]
        >(
          `SELECT open, close, volume, trade_count, is_closed FROM candles c JOIN assets a ON a.id = c.asset_id
         WHERE a.symbol = 'BTC' AND c.source = 'binance' AND open_time = $1 AND close = 2`,
          [new Date(openTime)],
        );
      return rows.length > 0 ? rows : null;
    }, 'the final candle');

    expect(row).toMatchObject({ is_closed: true, trade_count: 101 });
    expect(Number(row.volume)).toBe(7);
  });

  it('answers pings', async () => {
    const before = binance.pongs;
    binance.ping();

    await waitFor(() => binance.pongs > before, 'a pong');
  });

  it('reconnects after a drop and backfills the missed minutes: no hole', async () => {
    const stream = sut.app.get(BinanceStreamService);
    expect(stream.connections).toBe(1);
    // As if the link had been down for ten minutes: nothing stored for them, checkpoint behind.
    const outageStart = minuteOf(Date.now()) - 10 * MINUTE;
    const database = sut.app.get(DataSource);
    await database.query(`DELETE FROM candles WHERE source = 'binance' AND open_time >= $1`, [
      new Date(outageStart),
    ]);
    await database.query(
      `UPDATE etl_checkpoints SET cursor = jsonb_build_object('last_closed_open_time', $1::bigint)
       WHERE source = 'binance' AND key = 'klines:BTC'`,
      [outageStart - MINUTE],
    );
    expect((await candleSpan(sut, 'BTC')).last).toBe(outageStart - MINUTE);

    binance.dropAll();

    await waitFor(() => stream.connections === 2 && binance.open.length === 1, 'a reconnection');
    await waitFor(
      async () => (await finishedStreamRuns(sut, 'reconnected')).length > 0,
      'the backfill after reconnecting',
    );
    const span = await candleSpan(sut, 'BTC');
    expect(span.count).toBe(span.minutes);
    expect(span.last).toBe(minuteOf(Date.now()));
  });

  it('renews its connection before the maximum age (Binance cuts at 24 h)', async () => {
    const aged = await startTestApp({ env: { ...env, BINANCE_WS_MAX_AGE_SECONDS: '1' } });
    try {
      const stream = aged.app.get(BinanceStreamService);
      await waitFor(() => stream.connections >= 2, 'a renewed connection', 5_000);
    } finally {
      await aged.close();
    }
  });
});
