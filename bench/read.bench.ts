// npm run bench:read — cached and uncached reads of the service against a bare Fastify +
// ioredis route reading the same Redis key, measured in the same run (server mode), and the
// same route as the only controller of an empty Nest app (what Nest itself costs).
// `-- --express` adds the same AppModule on Nest's Express adapter, `-- --embedded` the
// service on its embedded PGlite database; `npm run bench` imports `measureReads`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedPostgres } from '../src/database/embedded-postgres';
import {
  DIST,
  REDIS_URL,
  createBenchDatabase,
  serviceEnv,
  fmt,
  load,
  machine,
  range,
  summarise,
  startServer,
  table,
  type LoadResult,
  type RunningServer,
  type Summary,
} from './support/harness';
import { minuteCandles, openSeeder, syntheticAssets, type Seeder } from './support/seed';

const random = (n: number) => Math.floor(Math.random() * n);

export interface ReadOptions {
  runs: number;
  seconds: number;
  warmupSeconds: number;
  /** Also measure the same AppModule on Nest's Express adapter. */
  express: boolean;
  /** Also measure the service on its embedded database (PGlite) in a temporary directory. */
  embedded: boolean;
}

export interface RouteResult {
  name: string;
  summary: Record<keyof LoadResult, Summary>;
}

export type ServiceRoute = 'price' | 'listingHot' | 'listingCold' | 'ohlcHot' | 'ohlcCold';
export type HotRoute = 'price' | 'listingHot' | 'ohlcHot';
export type EncodedRoute = 'listingBr' | 'listingGzip' | 'ohlcBr' | 'ohlcGzip';

export interface ReadResults {
  bare: RouteResult;
  bareLimited: RouteResult;
  /** The bare route serving the very bytes of the service's cached listing and OHLC. */
  bareListing: RouteResult;
  bareOhlc: RouteResult;
  /** The bare price route as the only controller of an empty Nest app on the Fastify adapter. */
  bareNest: RouteResult;
  /** What a team would build from Nest's docs (bench/support/textbook-server.ts). */
  textbook: Record<HotRoute, RouteResult>;
  service: Record<ServiceRoute, RouteResult>;
  /** The cached listing and OHLC asked for in br and gzip. */
  encoded: Record<EncodedRoute, RouteResult>;
  /** The cached listing and OHLC with the market simulator writing at its default rate… */
  live: Record<'listingHot' | 'ohlcHot', RouteResult>;
  /** … and on the quiet service, measured in turn with them. */
  quiet: Record<'listingHot' | 'ohlcHot', RouteResult>;
  express?: Record<'price' | 'listingHot' | 'ohlcHot', RouteResult>;
  embedded?: Record<'price' | 'listingCold' | 'ohlcCold', RouteResult>;
}

interface Target {
  name: string;
  path: string | (() => string);
  headers?: Record<string, string>;
}

const SERVICE_ROUTES: Record<ServiceRoute, Target> = {
  price: {
    name: 'GET /cryptocurrencies/BTC/price (Redis)',
    path: '/api/v1/cryptocurrencies/BTC/price',
  },
  listingHot: {
    name: 'GET /cryptocurrencies?limit=100 (cache hot)',
    path: '/api/v1/cryptocurrencies?limit=100',
  },
  listingCold: {
    name: 'GET /cryptocurrencies?limit=100 (cache cold)',
    path: () => `/api/v1/cryptocurrencies?limit=100&min_volume=${random(1_000_000)}`,
  },
  ohlcHot: {
    name: 'GET /BTC/ohlc?timeframe=1h&limit=500 (cache hot)',
    // The seeded source named, so that the live feed's own candles (source "simulator") do not
    // change which series, and how many bytes, the live-feed row serves.
    path: '/api/v1/cryptocurrencies/BTC/ohlc?timeframe=1h&limit=500&source=binance',
  },
  ohlcCold: {
    name: 'GET /BTC/ohlc?timeframe=1h&limit=500 (cache cold)',
    path: () =>
      `/api/v1/cryptocurrencies/BTC/ohlc?timeframe=1h&limit=500&end=${Date.now() - random(86_400_000)}`,
  },
};

const ENCODED_ROUTES: Record<EncodedRoute, Target> = {
  listingBr: { ...SERVICE_ROUTES.listingHot, headers: { 'accept-encoding': 'br' } },
  listingGzip: { ...SERVICE_ROUTES.listingHot, headers: { 'accept-encoding': 'gzip' } },
  ohlcBr: { ...SERVICE_ROUTES.ohlcHot, headers: { 'accept-encoding': 'br' } },
  ohlcGzip: { ...SERVICE_ROUTES.ohlcHot, headers: { 'accept-encoding': 'gzip' } },
};
for (const [key, target] of Object.entries(ENCODED_ROUTES)) {
  target.name = `${target.name}, Accept-Encoding: ${key.endsWith('Br') ? 'br' : 'gzip'}`;
}

/** 1,000 assets, 30 days of BTC 1-minute candles, a latest BTC price in Redis. */
async function seedReadData(seeder: Seeder): Promise<void> {
  const { ids } = await seeder.assets.upsert(syntheticAssets(1_000));
  for (const rows of minuteCandles(ids.get('BTC')!, 30 * 1_440, Date.now(), 10_000)) {
    await seeder.candles.upsert(rows);
  }
  await seeder.latestPrices.set([
    { symbol: 'BTC', price: 97_000.5, timestamp: Date.now(), source: 'binance' },
  ]);
}

/** A route on a running server, as one row of the report. */
interface Row {
  url: string;
  target: Target;
  label: string;
}

/** One load run of a row; a last request drains what the run left queued. */
async function measureRow({ url: baseUrl, target }: Row, seconds: number): Promise<LoadResult> {
  const { path, headers } = target;
  const url = typeof path === 'string' ? `${baseUrl}${path}` : baseUrl;
  const paths = typeof path === 'string' ? undefined : path;
  const result = await load(url, { seconds, paths, headers });
  // Requests still queued when a run stops would eat into the next one (the embedded
  // database serves one query at a time, in order): one more request answers after them,
  // in identity, as the rows without an encoding ask (fetch would ask for gzip by default).
  const response = await fetch(paths ? `${baseUrl}${paths()}` : url, {
    headers: { 'accept-encoding': 'identity' },
    signal: AbortSignal.timeout(120_000),
  });
  await response.arrayBuffer();
  return result;
}

/**
 * Measures rows in turn, run by run: run 1 of every row, then run 2 of every row, … So a
 * row and its reference, on servers running side by side, are measured under the same
 * conditions; on a shared VM whose speed drifts by tens of percent over minutes, rows
 * measured minutes apart would compare the drift, not the servers.
 */
async function measureInterleaved<K extends string>(
  rows: Record<K, Row>,
  options: ReadOptions,
): Promise<Record<K, RouteResult>> {
  const keys = Object.keys(rows) as K[];
  for (const key of keys) await measureRow(rows[key], options.warmupSeconds);
  const runs = new Map<K, LoadResult[]>(keys.map((key) => [key, []]));
  for (let run = 0; run < options.runs; run++) {
    for (const key of keys) runs.get(key)!.push(await measureRow(rows[key], options.seconds));
  }
  const results = {} as Record<K, RouteResult>;
  for (const key of keys) {
    const values = runs.get(key)!;
    const fields = Object.keys(values[0]) as (keyof LoadResult)[];
    const summary = Object.fromEntries(
      fields.map((field) => [field, summarise(values.map((value) => value[field]))]),
    ) as Record<keyof LoadResult, Summary>;
    results[key] = { name: `${rows[key].label}${rows[key].target.name}`, summary };
    process.stderr.write(`measured ${results[key].name}\n`);
  }
  return results;
}

/** Rows for the given routes of one server. */
function rowsOf<K extends string>(
  url: string,
  routes: Record<K, Target>,
  label: string,
): Record<K, Row> {
  const rows = {} as Record<K, Row>;
  for (const key of Object.keys(routes) as K[]) rows[key] = { url, target: routes[key], label };
  return rows;
}

async function measureRoutes<K extends string>(
  baseUrl: string,
  routes: Record<K, Target>,
  options: ReadOptions,
  label: string,
): Promise<Record<K, RouteResult>> {
  const results = {} as Record<K, RouteResult>;
  for (const key of Object.keys(routes) as K[]) {
    Object.assign(
      results,
      await measureInterleaved({ [key]: { url: baseUrl, target: routes[key], label } }, options),
    );
  }
  return results;
}

/** Starts a server, measures routes on it, and stops it. */
async function measureOn<K extends string>(
  start: () => Promise<RunningServer>,
  routes: Record<K, Target>,
  options: ReadOptions,
  label: string,
): Promise<Record<K, RouteResult>> {
  const server = await start();
  try {
    return await measureRoutes(server.url, routes, options, label);
  } finally {
    await server.stop();
  }
}

/** The service on its embedded database, seeded with the same data before it starts. */
async function measureEmbedded(
  options: ReadOptions,
): Promise<NonNullable<ReadResults['embedded']>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cma-bench-pglite-'));
  try {
    const embeddedEnv = serviceEnv();
    // The directory is seeded through the same repositories, then handed to the service.
    const embedded = await EmbeddedPostgres.start(dataDir);
    let seeder: Seeder | undefined;
    try {
      seeder = await openSeeder(embeddedEnv, embedded.url);
      await seedReadData(seeder);
      // Its Redis keys stay until the end; the directory must be closed before the service opens it.
      await seeder.dataSource.destroy();
    } finally {
      await embedded.stop();
    }
    const service = await startServer({ ...embeddedEnv, PGLITE_DATA_DIR: dataDir });
    try {
      const { price, listingCold, ohlcCold } = SERVICE_ROUTES;
      return await measureRoutes(
        service.url,
        { price, listingCold, ohlcCold },
        options,
        'embedded: ',
      );
    } finally {
      await service.stop();
      await seeder.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function measureReads(options: ReadOptions): Promise<ReadResults> {
  const database = await createBenchDatabase();
  const env = serviceEnv(database);
  const seeder = await openSeeder(env);
  try {
    await seedReadData(seeder);
    // The service's own cached answers, copied byte for byte for the bare route to serve.
    const bodyPrefix = `${seeder.config.redis.keyPrefix}:bench-body:`;
    const probe = await startServer(env);
    try {
      for (const [name, route] of [
        ['listing', SERVICE_ROUTES.listingHot],
        ['ohlc', SERVICE_ROUTES.ohlcHot],
      ] as const) {
        const response = await fetch(`${probe.url}${route.path as string}`);
        if (!response.ok) throw new Error(`${route.name}: HTTP ${response.status}`);
        await seeder.redis.set(`${bodyPrefix}${name}`, Buffer.from(await response.arrayBuffer()));
      }
    } finally {
      await probe.stop();
    }
    const references = { REDIS_URL, BARE_KEY: seeder.keys.latestPrice('BTC') };
    const withBodies = { ...references, BARE_BODY_PREFIX: bodyPrefix };
    const script = (name: string) => join(DIST, 'bench', 'support', `${name}.js`);
    const { price, listingHot, ohlcHot } = SERVICE_ROUTES;
    // Every server of the comparison runs at once, idle but for the row being measured.
    const running: RunningServer[] = [];
    const started = async (server: Promise<RunningServer>) => {
      running.push(await server);
      return running[running.length - 1].url;
    };
    let results: ReadResults;
    try {
      const bareUrl = await started(startServer(withBodies, script('bare-server'), '/price'));
      const nestUrl = await started(startServer(references, script('bare-nest-server'), '/price'));
      const textbookUrl = await started(
        startServer(withBodies, script('textbook-server'), '/api/v1/cryptocurrencies/BTC/price'),
      );
      const serviceUrl = await started(startServer(env));
      const bareRows = rowsOf(
        bareUrl,
        {
          bare: { name: 'bare Fastify + ioredis GET (reference)', path: '/price' },
          bareLimited: {
            name: 'bare Fastify + ioredis: rate-limit script, then GET',
            path: '/price-limited',
          },
          bareListing: {
            name: 'bare Fastify + ioredis GET of the same listing bytes',
            path: '/body/listing',
          },
          bareOhlc: {
            name: 'bare Fastify + ioredis GET of the same OHLC bytes',
            path: '/body/ohlc',
          },
        },
        '',
      );
      const nestRows = rowsOf(
        nestUrl,
        {
          bareNest: {
            name: 'bare Nest (Fastify adapter, no guard/pipe/hook) + ioredis GET',
            path: '/price',
          },
        },
        '',
      );
      const textbookRows = rowsOf(textbookUrl, { price, listingHot, ohlcHot }, 'textbook Nest: ');
      const serviceRows = rowsOf(serviceUrl, { price, listingHot, ohlcHot }, '');
      const compared = await measureInterleaved(
        {
          ...bareRows,
          ...nestRows,
          textbookPrice: textbookRows.price,
          textbookListing: textbookRows.listingHot,
          textbookOhlc: textbookRows.ohlcHot,
          ...serviceRows,
        },
        options,
      );
      const cold = await measureRoutes(
        serviceUrl,
        { listingCold: SERVICE_ROUTES.listingCold, ohlcCold: SERVICE_ROUTES.ohlcCold },
        options,
        '',
      );
      const encoded = await measureRoutes(serviceUrl, ENCODED_ROUTES, options, '');
      // The same service with a live feed (the simulator writes and publishes every flush),
      // measured in turn with the quiet one.
      const liveUrl = await started(startServer({ ...env, MARKET_SIMULATOR: 'true' }));
      const liveRows = rowsOf(liveUrl, { listingHot, ohlcHot }, 'live feed (simulator): ');
      const quietRows = rowsOf(serviceUrl, { listingHot, ohlcHot }, 'quiet market: ');
      const beside = await measureInterleaved(
        {
          quietListing: quietRows.listingHot,
          liveListing: liveRows.listingHot,
          quietOhlc: quietRows.ohlcHot,
          liveOhlc: liveRows.ohlcHot,
        },
        options,
      );
      results = {
        bare: compared.bare,
        bareLimited: compared.bareLimited,
        bareListing: compared.bareListing,
        bareOhlc: compared.bareOhlc,
        bareNest: compared.bareNest,
        textbook: {
          price: compared.textbookPrice,
          listingHot: compared.textbookListing,
          ohlcHot: compared.textbookOhlc,
        },
        service: {
          price: compared.price,
          listingHot: compared.listingHot,
          ohlcHot: compared.ohlcHot,
          ...cold,
        },
        encoded,
        quiet: { listingHot: beside.quietListing, ohlcHot: beside.quietOhlc },
        live: { listingHot: beside.liveListing, ohlcHot: beside.liveOhlc },
      };
    } finally {
      await Promise.all(running.map((server) => server.stop()));
    }
    if (options.express) {
      results.express = await measureOn(
        () => startServer(env, script('express-server')),
        { price, listingHot, ohlcHot },
        options,
        'Express adapter: ',
      );
    }
    if (options.embedded) results.embedded = await measureEmbedded(options);
    return results;
  } finally {
    await seeder.close();
    await database.drop();
  }
}

async function main(): Promise<void> {
  const options: ReadOptions = {
    runs: Number(process.env.BENCH_RUNS ?? 3),
    seconds: Number(process.env.BENCH_SECONDS ?? 5),
    warmupSeconds: 2,
    express: process.argv.includes('--express'),
    embedded: process.argv.includes('--embedded'),
  };
  const results = await measureReads(options);
  const all = [
    results.bare,
    results.bareLimited,
    results.bareListing,
    results.bareOhlc,
    results.bareNest,
    ...Object.values(results.textbook),
    ...Object.values(results.service),
    ...Object.values(results.encoded),
    ...Object.values(results.quiet),
    ...Object.values(results.live),
    ...Object.values(results.express ?? {}),
    ...Object.values(results.embedded ?? {}),
  ];
  const reference = results.bare.summary.rps.median;
  const rows = all.map(({ name, summary }) => [
    name,
    range(summary.rps),
    fmt(summary.bytes.median),
    fmt(summary.p50.median, 1),
    fmt(summary.p99.median, 1),
    fmt(summary.rps.median / reference, 2),
    fmt(summary.errors.median + summary.non2xx.median),
  ]);
  const price = results.service.price.summary;
  console.log(`\n### bench:read — ${new Date().toISOString()} — ${machine()}`);
  console.log(
    `50 connections, ${options.runs} runs × ${options.seconds} s per row (median, min–max); server mode (PostgreSQL + Redis)\n`,
  );
  console.log(
    table(['route', 'req/s', 'bytes/response', 'p50 ms', 'p99 ms', 'vs bare', 'errors'], rows),
  );
  const vs = (ours: RouteResult, theirs: RouteResult) =>
    fmt(ours.summary.rps.median / theirs.summary.rps.median, 2);
  const { service, textbook, live, quiet } = results;
  console.log(
    [
      `\nprice read: ${vs(service.price, textbook.price)} of textbook (target ≥ 1.5), ` +
        `${vs(service.price, results.bare)} of bare Fastify (target ≥ 0.5; old target ≥ 0.6), ` +
        `${vs(service.price, results.bareLimited)} of bare with the rate-limit step, ` +
        `${vs(service.price, results.bareNest)} of bare Nest; p99 ${fmt(price.p99.median, 1)} ms (target < 25)`,
      `cached listing: ${vs(service.listingHot, textbook.listingHot)} of textbook (target ≥ 2), ` +
        `${vs(service.listingHot, results.bareListing)} of bare, same bytes (target ≥ 0.8); ` +
        `live feed ${vs(live.listingHot, quiet.listingHot)} of quiet (target ≥ 0.8)`,
      `cached OHLC: ${vs(service.ohlcHot, textbook.ohlcHot)} of textbook (target ≥ 2), ` +
        `${vs(service.ohlcHot, results.bareOhlc)} of bare, same bytes (target ≥ 0.8); ` +
        `live feed ${vs(live.ohlcHot, quiet.ohlcHot)} of quiet (target ≥ 0.8)`,
    ].join('\n'),
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
