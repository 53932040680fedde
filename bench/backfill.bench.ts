// npm run bench:backfill — one symbol's full Binance daily history (from its first trading
// day, 2017-08-17) and 2 years of hourly klines, backfilled by the service's own
// KlineHistoryService from a local stand-in Binance (test/support/fake-binance: the documented
// kline format, paged by startTime and limit), in server mode (a throwaway PostgreSQL
// database) and in embedded mode (PGlite): wall time, requests and weight used, candles
// stored. The slice budget is lifted so one slice does it all; the default budget
// (BINANCE_HISTORY_PAGES_PER_MINUTE) spreads the same requests over minutes.
import { NestFactory } from '@nestjs/core';
import { performance } from 'node:perf_hooks';
import { AppModule } from '../src/app.module';
import { loadAppConfig } from '../src/config/app-config';
import { KlineHistoryService } from '../src/ingestion/history/kline-history.service';
import { FakeBinance } from '../test/support/fake-binance';
import { createBenchDatabase, fmt, machine, serviceEnv, table } from './support/harness';

const LISTED = Date.UTC(2017, 7, 17);
const HOURLY_DAYS = 730;
const DEFAULT_PAGES_PER_MINUTE = 30;
const KLINES_WEIGHT = 2;

async function backfill(mode: 'server' | 'embedded'): Promise<string[]> {
  const binance = new FakeBinance();
  const { baseUrl } = await binance.start();
  binance.listedAt = { BTCUSDT: LISTED };
  const database = mode === 'server' ? await createBenchDatabase() : undefined;
  const config = loadAppConfig({
    ...serviceEnv(database),
    ...(database ? {} : { PGLITE_DATA_DIR: 'memory://' }),
    INGESTION_PROVIDERS: 'binance',
    BINANCE_BASE_URL: baseUrl,
    BINANCE_SYMBOLS: 'BTC',
    BINANCE_HOURLY_HISTORY_DAYS: String(HOURLY_DAYS),
    BINANCE_HISTORY_PAGES_PER_MINUTE: '600',
  });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), {
    logger: ['error'],
  });
  try {
    const history = app.get(KlineHistoryService);
    const t0 = performance.now();
    const run = await history.runSlice('manual');
    const seconds = (performance.now() - t0) / 1_000;
    if (!run || run.status !== 'success') throw new Error(`backfill ${run?.status}: ${run?.error}`);
    if ((await history.pending()).length > 0) throw new Error('backfill left pairs pending');
    const requests = binance.klineRequests().length;
    const rows = run.createdCount;
    return [
      mode,
      `${fmt(seconds, 1)} s`,
      `${fmt(requests)} (weight ${fmt(requests * KLINES_WEIGHT)})`,
      fmt(rows),
      fmt(rows / seconds),
      `${fmt(Math.ceil(requests / DEFAULT_PAGES_PER_MINUTE))} min`,
    ];
  } finally {
    await app.close();
    await binance.stop();
    await database?.drop();
  }
}

async function main(): Promise<void> {
  const rows = [await backfill('server'), await backfill('embedded')];
  console.log(
    `\n## Kline history backfill — BTC daily since ${new Date(LISTED).toISOString().slice(0, 10)} + ${HOURLY_DAYS} days hourly (${machine()})\n`,
  );
  console.log(
    table(
      [
        'mode',
        'wall time (one slice)',
        'requests',
        'candles stored',
        'candles/s',
        `at the default ${DEFAULT_PAGES_PER_MINUTE} pages/min`,
      ],
      rows,
    ),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
