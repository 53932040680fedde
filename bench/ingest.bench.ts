// npm run bench:ingest — the ingestion write paths on real PostgreSQL (server mode):
//  1. a 5,000-asset CoinGecko listing: normalise, then upsert assets and snapshots in one
//     transaction (what IngestionService.execute does after the fetch);
//  2. 500k Binance klines, normalise and upsert (the target): kline pages as
//     received are parsed and checked, then written by the catch-up's own store (candles,
//     roll-ups and checkpoint in one transaction per 10 pages);
//  3. 500k Binance klines through the kline catch-up end to end, as the service runs it:
//     HTTP pages of 1,000 from a local fake Binance (responses prepared before timing, but
//     served by this process), raw payloads stored, then step 2;
//  4. 1 M simulated trades aggregated into 1-minute candles (CandleAggregator, in memory).
import { NestFactory } from '@nestjs/core';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { loadAppConfig } from '../src/config/app-config';
import { AssetsRepository } from '../src/cryptocurrencies/assets.repository';
import { CandleAggregator } from '../src/ingestion/live/candle-aggregator';
import { KlineSyncService } from '../src/ingestion/live/kline-sync.service';
import { parseKline, type Kline } from '../src/ingestion/providers/binance.provider';
import { CoinGeckoProvider } from '../src/ingestion/providers/coingecko.provider';
import { PriceSnapshotsRepository } from '../src/price-history/price-snapshots.repository';
import { klineRow } from '../test/support/fake-binance';
import {
  createBenchDatabase,
  fmt,
  machine,
  range,
  serviceEnv,
  summarise,
  table,
} from './support/harness';

const MINUTE = 60_000;
const LISTING_ASSETS = 5_000;
const LISTING_RUNS = 5;
const SYMBOLS = Array.from({ length: 10 }, (_, i) => (i === 0 ? 'BTC' : `K${i}`));
const KLINES_PER_SYMBOL = Number(process.env.BENCH_KLINES_PER_SYMBOL ?? 50_000);
const TRADES = 1_000_000;
const TRADE_RUNS = 5;
/** Normalise + upsert: rounds of 10 symbols × this many klines (100k rows a round). */
const WRITE_ROUNDS = 5;
const WRITE_ROWS_PER_SYMBOL = 10_000;

function coingeckoMarkets(count: number, round: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `coin-${i}`,
    symbol: i === 0 ? 'btc' : `c${i}`,
    name: i === 0 ? 'Bitcoin' : `Coin ${i}`,
    image: `https://assets.example/coins/${i}.png`,
    current_price: 100_000 / (i + 1) + round,
    market_cap: 2e12 / (i + 1),
    market_cap_rank: i + 1,
    fully_diluted_valuation: 2.1e12 / (i + 1),
    total_volume: 5e10 / (i + 1),
    high_24h: 101_000 / (i + 1),
    low_24h: 99_000 / (i + 1),
    price_change_24h: 12.5,
    price_change_percentage_24h: ((i * 37) % 41) - 20 + round / 10,
    circulating_supply: 19_000_000,
    total_supply: 21_000_000,
    max_supply: 21_000_000,
    ath: 120_000 / (i + 1),
    ath_date: '2025-10-06T18:57:42.558Z',
    atl: 0.05,
    atl_date: '2013-07-06T00:00:00.000Z',
    last_updated: new Date(Date.now() + round * 1_000).toISOString(),
    price_change_percentage_1h_in_currency: 0.1,
    price_change_percentage_24h_in_currency: 1.2,
    price_change_percentage_7d_in_currency: -3.4,
    price_change_percentage_30d_in_currency: 8.9,
  }));
}

/** Kline pages prepared before timing, so the fake exchange costs the bench nothing. */
async function fakeBinance(start: number): Promise<{ url: string; server: Server }> {
  const pages = new Map<string, string>();
  for (const symbol of SYMBOLS) {
    for (let offset = 0; offset < KLINES_PER_SYMBOL; offset += 1_000) {
      const first = start + offset * MINUTE;
      const count = Math.min(1_000, KLINES_PER_SYMBOL - offset);
      const rows = Array.from({ length: count }, (_, i) =>
        klineRow(`${symbol}USDT`, first + i * MINUTE),
      );
      pages.set(`${symbol}USDT@${first}`, JSON.stringify(rows));
    }
  }
  const server = createServer((request, response) => {
    const query = new URL(request.url ?? '/', 'http://x').searchParams;
    // The page holding startTime (the catch-up may start a minute earlier than the history).
    const offset = Math.max(0, Number(query.get('startTime')) - start) / MINUTE;
    const first = start + Math.floor(offset / 1_000) * 1_000 * MINUTE;
    const body = pages.get(`${query.get('symbol')}@${first}`) ?? '[]';
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function main(): Promise<void> {
  const database = await createBenchDatabase();
  // The kline history ends a minute before now, so every kline is closed.
  const end = Math.floor(Date.now() / MINUTE) * MINUTE - MINUTE;
  const start = end - (KLINES_PER_SYMBOL - 1) * MINUTE;
  const binance = await fakeBinance(start);
  const config = loadAppConfig({
    ...serviceEnv(database),
    INGESTION_PROVIDERS: 'coingecko,binance',
    BINANCE_BASE_URL: binance.url,
    BINANCE_SYMBOLS: SYMBOLS.join(','),
    BINANCE_BACKFILL_MINUTES: String(KLINES_PER_SYMBOL + 1),
    DB_STATEMENT_TIMEOUT_MS: '600000',
  });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), {
    logger: ['error'],
  });
  try {
    // 1. Listing.
    const coingecko = app.get(CoinGeckoProvider);
    const assets = app.get(AssetsRepository);
    const snapshots = app.get(PriceSnapshotsRepository);
    const dataSource = app.get(DataSource);
    const listing: { normaliseMs: number; writeMs: number }[] = [];
    for (let round = 0; round < LISTING_RUNS; round++) {
      const payload = coingeckoMarkets(LISTING_ASSETS, round);
      const t0 = performance.now();
      const batch = coingecko.normalise({ source: 'coingecko', fetchedAt: new Date(), payload });
      const t1 = performance.now();
      await dataSource.transaction(async (manager) => {
        const { ids } = await assets.upsert(batch.assets, manager, config.ingestion.providers);
        await snapshots.insert(
          batch.snapshots.map((s) => ({
            assetId: ids.get(s.symbol)!,
            timestamp: s.timestamp,
            source: 'coingecko',
            price: s.price,
            marketCap: s.marketCap,
            totalVolume: s.totalVolume,
            anomaly: null,
          })),
          manager,
        );
      });
      listing.push({ normaliseMs: t1 - t0, writeMs: performance.now() - t1 });
    }

    // 2. Klines: normalise and upsert (what the target names): pages of 1,000 as
    // received (JSON text, prepared before timing) are parsed and checked, then written by
    // the catch-up's own store (candles + roll-ups + checkpoint, one transaction per 10
    // pages), two symbols at a time as the catch-up does. Other symbols than step 3.
    const klines = app.get(KlineSyncService);
    const writeRates: number[] = [];
    for (let round = 0; round < WRITE_ROUNDS; round++) {
      const symbols = Array.from({ length: 10 }, (_, i) => `W${round}X${i}`);
      const pages = new Map(
        symbols.map((symbol) => [
          symbol,
          Array.from({ length: WRITE_ROWS_PER_SYMBOL / 1_000 }, (_, page) =>
            JSON.stringify(
              Array.from({ length: 1_000 }, (_, i) =>
                klineRow(`${symbol}USDT`, start + (page * 1_000 + i) * MINUTE),
              ),
            ),
          ),
        ]),
      );
      const queue = [...symbols];
      let written = 0;
      const t = performance.now();
      const worker = async () => {
        for (let symbol = queue.shift(); symbol !== undefined; symbol = queue.shift()) {
          const texts = pages.get(symbol)!;
          for (let offset = 0; offset < texts.length; offset += 10) {
            const batch: Kline[] = [];
            for (const text of texts.slice(offset, offset + 10)) {
              for (const row of JSON.parse(text) as unknown[]) {
                const kline = parseKline(row);
                if (typeof kline === 'string') throw new Error(kline);
                batch.push(kline);
              }
            }
            const { created } = await klines.store(symbol, batch);
            written += created; // after the await: `written += await …` would lose updates
          }
        }
      };
      await Promise.all([worker(), worker()]);
      writeRates.push(written / ((performance.now() - t) / 1_000));
      if (written !== symbols.length * WRITE_ROWS_PER_SYMBOL) {
        throw new Error(`normalise + upsert wrote ${written} rows`);
      }
    }

    // 3. Klines through the catch-up, end to end.
    let rows = 0;
    const t0 = performance.now();
    for (let pass = 0; rows < SYMBOLS.length * KLINES_PER_SYMBOL; pass++) {
      const run = await klines.execute(await klines.begin('manual'));
      if (run.status !== 'success') throw new Error(`kline run ${run.status}: ${run.error}`);
      if (run.createdCount === 0) break;
      rows += run.createdCount;
      process.stderr.write(`klines pass ${pass}: ${fmt(rows)} rows\n`);
    }
    const klineSeconds = (performance.now() - t0) / 1_000;
    const klineRate = rows / klineSeconds;

    // 4. Trades.
    const tradeRates: number[] = [];
    for (let r = 0; r < TRADE_RUNS; r++) {
      const aggregator = new CandleAggregator();
      const symbols = SYMBOLS.length;
      let price = 100;
      const t = performance.now();
      for (let i = 0; i < TRADES; i++) {
        price *= 1 + (i % 7 === 0 ? 0.0001 : -0.00001);
        aggregator.add({
          symbol: SYMBOLS[i % symbols],
          price,
          quantity: 0.01,
          time: start + i * 3, // 1 M trades over ~50 minutes
        });
      }
      const candles = aggregator.drain().candles.length;
      tradeRates.push(TRADES / ((performance.now() - t) / 1_000));
      if (candles < symbols) throw new Error('aggregation produced too few candles');
    }

    const normalise = summarise(listing.map((l) => l.normaliseMs));
    const write = summarise(listing.map((l) => l.writeMs));
    const trades = summarise(tradeRates);
    const writes = summarise(writeRates);
    const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
    console.log(`\n### bench:ingest — ${new Date().toISOString()} — ${machine()}\n`);
    console.log(
      table(
        ['path', 'figure', 'target'],
        [
          [
            `CoinGecko listing, ${fmt(LISTING_ASSETS)} assets: normalise`,
            `${range(normalise, 1)} ms (${LISTING_RUNS} runs)`,
            '',
          ],
          [
            `… upsert assets + snapshots, one transaction`,
            `${range(write, 1)} ms = ${fmt((LISTING_ASSETS / write.median) * 1_000)} assets/s`,
            '',
          ],
          [
            `Binance klines: normalise + upsert (parse and check pages of 1,000, candles + roll-ups + checkpoint per 10,000), ${WRITE_ROUNDS} rounds of ${fmt(10 * WRITE_ROWS_PER_SYMBOL)} rows`,
            `**${range(writes)} rows/s**`,
            `≥ 100,000 ${verdict(writes.median >= 100_000)}`,
          ],
          [
            `… end to end through the kline catch-up, ${fmt(rows)} rows (${SYMBOLS.length} symbols: HTTP pages from a fake Binance in this process + raw payload + the above)`,
            `${fmt(klineSeconds, 1)} s = ${fmt(klineRate)} rows/s`,
            '',
          ],
          [
            `Trades → 1-minute candles, ${fmt(TRADES)} trades (${TRADE_RUNS} runs)`,
            `**${range(trades)} trades/s**`,
            `≥ 200,000 ${verdict(trades.median >= 200_000)}`,
          ],
        ],
      ),
    );
  } finally {
    await app.close();
    binance.server.close();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
