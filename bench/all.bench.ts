// `npm run bench [-- --quick]`: every performance figure of the service in one run, server mode
// (PostgreSQL at DATABASE_URL, Redis at REDIS_URL, throwaway databases), each against a
// reference measured in the same run. Writes the Markdown report to bench/results/ and prints
// it. Exits 0 when targets are missed (they are marked ✗) and 1 when a benchmark failed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { format, resolveConfig } from 'prettier';
import { measureReads, type ReadResults, type RouteResult } from './read.bench';
import { fmt, machine, summarise, type Summary } from './support/harness';
import { renderSection, verdict, type Figure, type Section } from './support/report';
import { measureStartup, type StartupResults } from './startup.bench';
import { measureWrites, type WriteResults } from './write.bench';
import { measureFanout, P99_TARGET_MS, RSS_TARGET_BYTES, type FanoutResults } from './ws.bench';

const QUICK = process.argv.includes('--quick');
const SETTINGS = QUICK
  ? {
      read: { runs: 2, seconds: 2, warmupSeconds: 1 },
      write: { rows: 20_000, runs: 2 },
      ws: { runs: 1, seconds: 5, idle: 1_000 },
      startup: { runs: 2 },
    }
  : {
      read: { runs: 3, seconds: 5, warmupSeconds: 2 },
      write: { rows: 200_000, runs: 5 },
      ws: { runs: 3, seconds: 20, idle: 5_000 },
      startup: { runs: 5 },
    };
const WS_SIZES = [1_000, 5_000];
const KIB = 1024;

const rps = (route: RouteResult): Summary => route.summary.rps;

/** A rate with failed requests in it is not comparable: the report says which rows had any. */
function failedRequests(routes: RouteResult[]): string {
  const failing = routes.filter((r) => r.summary.errors.max + r.summary.non2xx.max > 0);
  if (!failing.length) return 'Every request of these rows answered 2xx.';
  return `Rows with errors, timeouts or non-2xx answers (worst run): ${failing
    .map(
      (r) => `${r.name}: ${fmt(r.summary.errors.max)} errors, ${fmt(r.summary.non2xx.max)} non-2xx`,
    )
    .join('; ')}.`;
}

function readSection(r: ReadResults): Section {
  const { runs, seconds } = SETTINGS.read;
  const bare = { name: 'bare', value: rps(r.bare) };
  const figure = (
    route: RouteResult,
    reference: { name: string; value: Summary },
    bound?: number,
    name = route.name,
  ): Figure => ({
    name,
    unit: 'req/s',
    value: rps(route),
    runs,
    reference,
    better: 'higher',
    target: bound === undefined ? undefined : { on: 'ratio', op: '≥', bound },
  });
  const textbook = (route: RouteResult) => ({ name: 'textbook Nest', value: rps(route) });
  return {
    title: '1. Reads against the textbook Nest build and bare Fastify + ioredis',
    method:
      `autocannon, 50 connections, ${runs} runs × ${seconds} s per row after a warm-up, one row at a time; ` +
      'the service (`dist/src/main.js`, production settings, rate limiter on but never refusing) and the ' +
      'references each in their own process: bare Fastify + ioredis GET of the same Redis key or of the very ' +
      'bytes of the cached answer (`bench/support/bare-server.ts`), and the textbook Nest build ' +
      '(`bench/support/textbook-server.ts`: Fastify adapter, global ValidationPipe, ThrottlerGuard on ' +
      '@nest-lab/throttler-storage-redis, CacheInterceptor on a @keyv/redis store, handler returning JSON.parse ' +
      'of a Redis key). No Accept-Encoding unless a row names one. Cold rows defeat the response cache with a ' +
      'varying query parameter.',
    figures: [
      figure(
        r.service.price,
        textbook(r.textbook.price),
        1.5,
        `${r.service.price.name}, against textbook`,
      ),
      figure(r.service.price, bare, 0.5, `${r.service.price.name}, against bare`),
      {
        name: 'price read p99 latency',
        unit: 'ms',
        value: r.service.price.summary.p99,
        runs,
        reference: { name: 'bare', value: r.bare.summary.p99 },
        better: 'lower',
        target: { on: 'value', op: '≤', bound: 25 },
      },
      figure(
        r.service.price,
        { name: 'bare + limiter', value: rps(r.bareLimited) },
        undefined,
        'price read, against the bare route with the same rate-limit Redis script',
      ),
      figure(
        r.bareNest,
        bare,
        undefined,
        'bare price route as the only controller of an empty Nest app (Fastify adapter)',
      ),
      figure(
        r.service.price,
        { name: 'bare Nest', value: rps(r.bareNest) },
        undefined,
        'price read, against that bare Nest route',
      ),
      figure(r.textbook.price, bare, undefined),
      figure(
        r.service.listingHot,
        textbook(r.textbook.listingHot),
        2,
        `${r.service.listingHot.name}, against textbook`,
      ),
      figure(r.service.listingHot, { name: 'bare, same bytes', value: rps(r.bareListing) }, 0.8),
      figure(
        r.service.ohlcHot,
        textbook(r.textbook.ohlcHot),
        2,
        `${r.service.ohlcHot.name}, against textbook`,
      ),
      figure(r.service.ohlcHot, { name: 'bare, same bytes', value: rps(r.bareOhlc) }, 0.8),
      ...(['listingBr', 'listingGzip', 'ohlcBr', 'ohlcGzip'] as const).map((key) => {
        const identity = key.startsWith('listing') ? r.service.listingHot : r.service.ohlcHot;
        return figure(r.encoded[key], { name: 'identity', value: rps(identity) });
      }),
      figure(r.live.listingHot, { name: 'quiet market', value: rps(r.quiet.listingHot) }, 0.8),
      figure(r.live.ohlcHot, { name: 'quiet market', value: rps(r.quiet.ohlcHot) }, 0.8),
      figure(r.service.listingCold, bare),
      figure(r.service.ohlcCold, bare),
    ],
    notes: [
      `Bytes per response (headers included): ${[
        r.service.listingHot,
        r.encoded.listingBr,
        r.encoded.listingGzip,
        r.service.ohlcHot,
        r.encoded.ohlcBr,
        r.encoded.ohlcGzip,
      ]
        .map((route) => `${route.name}: ${fmt(route.summary.bytes.median)}`)
        .join('; ')}.`,
      'The cached listing (100 assets) and OHLC (500 candles) are compared with the bare route serving ' +
        'the very bytes of the same cached answer from Redis (copied from the service before the run), and ' +
        'with the textbook build serving them through its CacheInterceptor. The cold rows, which query ' +
        'PostgreSQL, are compared with the small price route and are informational.',
      'Rows and their references run side by side and are measured in turn, run by run (run 1 of every ' +
        'row, then run 2, …), so that a ratio compares servers under the same conditions rather than the ' +
        "drift of a shared VM's speed over the minutes between them.",
      'Live-feed rows: the same service started with MARKET_SIMULATOR=true (8 symbols, BTC among them, ' +
        '20 trades/s each, flushed every second), so the listing and BTC generations are bumped while they run; ' +
        'measured in turn with the quiet service (the "quiet market" rows).',
      'The bare Nest route (`bench/support/bare-nest-server.ts`) separates what Nest itself costs from ' +
        'what the service adds on every request: rate limiting (Redis leases, five headers), security, ' +
        'CORS, request-id and response-time headers, validation pipes, request logger, metrics.',
      failedRequests([
        r.bare,
        r.bareLimited,
        r.bareNest,
        r.bareListing,
        r.bareOhlc,
        ...Object.values(r.textbook),
        ...Object.values(r.service),
        ...Object.values(r.encoded),
        ...Object.values(r.quiet),
        ...Object.values(r.live),
      ]),
    ],
  };
}

function adapterSection(r: ReadResults): Section {
  const express = r.express!;
  const { runs } = SETTINGS.read;
  const vsExpress = (ours: RouteResult, theirs: RouteResult, target: boolean): Figure => ({
    name: `${ours.name} on Fastify (the service)`,
    unit: 'req/s',
    value: rps(ours),
    runs,
    reference: { name: 'Express adapter', value: rps(theirs) },
    better: 'higher',
    target: target ? { on: 'ratio', op: '≥', bound: 2 } : undefined,
  });
  return {
    title: "2. Adapter choice: the same AppModule on Nest's Express adapter",
    method:
      'Same load as section 1. The reference is `bench/support/express-server.ts`: the same ' +
      'AppModule (validation pipe, problem-details filter, rate-limit guard, cache interceptor, ' +
      "Redis, database) on `@nestjs/platform-express` with Express's defaults.",
    figures: [
      vsExpress(r.service.price, express.price, true),
      vsExpress(r.service.listingHot, express.listingHot, false),
      vsExpress(r.service.ohlcHot, express.ohlcHot, false),
    ],
    notes: [
      "Differs from the service: Fastify's hooks are one Express middleware (same security headers, " +
        'request id and HTTP metric; no X-Response-Time header), and a few FastifyReply/FastifyRequest ' +
        "members the guard, interceptor and filter use are added as one-line delegations to Express's. " +
        "Express computes a weak ETag per response by default (kept: it is the adapter's default); " +
        "Fastify's adapter options (body limit, timeouts, trust proxy) are not carried over.",
      failedRequests(Object.values(express)),
    ],
  };
}

function writeSection(w: WriteResults): Section {
  return {
    title: '3. Ingestion write path against raw COPY',
    method:
      `${fmt(w.rows)} 1-minute candles of 10 assets into empty \`candles\`/\`candle_rollups\` tables ` +
      `(TRUNCATE before each), ${SETTINGS.write.runs} runs, one connection, in the benchmark process. ` +
      'The service path is `CandlesRepository.upsert` in 5,000-row transactions as the kline catch-up ' +
      'writes them (asset lock, UNNEST upsert with conflict handling, hourly and daily roll-ups refreshed); ' +
      'the reference is one `COPY candles FROM STDIN` (pg-copy-streams, text format) of the same rows, ' +
      'serialised while streaming. Both are checked by counting the rows written.',
    figures: [
      {
        name: 'CandlesRepository.upsert (service write path)',
        unit: 'rows/s',
        value: w.upsert,
        runs: SETTINGS.write.runs,
        reference: { name: 'COPY', value: w.copy },
        better: 'higher',
        target: { on: 'ratio', op: '≥', bound: 0.5 },
      },
    ],
    notes: [
      'COPY neither handles conflicts nor maintains roll-ups: the ratio is what those guarantees cost. ' +
        'The kline catch-up also fetches pages and stores their raw payloads (see `npm run bench:ingest`), which this row leaves out.',
    ],
  };
}

function fanoutSection(byClients: Map<number, FanoutResults[]>): Section {
  const runsOf = (clients: number) => byClients.get(clients)!;
  const stat = (clients: number, pick: (r: FanoutResults) => number) =>
    summarise(runsOf(clients).map(pick));
  const [small, large] = WS_SIZES;
  const idleRuns = runsOf(small).filter((r) => r.idle);
  const figures: Figure[] = [];
  for (const clients of WS_SIZES) {
    const reference = clients === small ? undefined : small;
    const runs = runsOf(clients).length;
    figures.push(
      {
        name: `${fmt(clients)} subscribed: latency publish → client p99`,
        unit: 'ms',
        value: stat(clients, (r) => r.p99),
        runs,
        reference: reference
          ? { name: `${fmt(reference)} clients`, value: stat(reference, (r) => r.p99) }
          : undefined,
        better: 'lower',
        target: { on: 'value', op: '≤', bound: P99_TARGET_MS },
      },
      {
        name: `${fmt(clients)} subscribed: server's share, publish → last socket write p99`,
        unit: 'ms',
        digits: 1,
        value: stat(clients, (r) => r.serverP99),
        runs,
        better: 'lower',
      },
      {
        name: `${fmt(clients)} subscribed: server RSS per connection`,
        unit: 'KiB',
        digits: 1,
        value: stat(clients, (r) => r.rssPerSubscribed / KIB),
        runs,
        reference: reference
          ? {
              name: `${fmt(reference)} clients`,
              value: stat(reference, (r) => r.rssPerSubscribed / KIB),
            }
          : idleRuns.length
            ? {
                name: 'idle connection',
                value: summarise(idleRuns.map((r) => r.idle!.rssPerConnection / KIB)),
              }
            : undefined,
        better: 'lower',
        target: { on: 'value', op: '≤', bound: RSS_TARGET_BYTES / KIB },
      },
      {
        name: `${fmt(clients)} subscribed: messages dropped or connections failed`,
        unit: '',
        value: stat(clients, (r) => r.dropped + r.failed),
        runs,
        target: { on: 'value', op: '≤', bound: 0 },
      },
      {
        name: `${fmt(clients)} subscribed: connect + subscribe, all clients`,
        unit: 'ms',
        value: stat(clients, (r) => r.connectMs),
        runs,
      },
    );
  }
  if (idleRuns.length) {
    const idle = idleRuns[0].idle!.clients;
    figures.push({
      name: `${fmt(idle)} idle connections: server RSS per connection`,
      unit: 'KiB',
      digits: 1,
      value: summarise(idleRuns.map((r) => r.idle!.rssPerConnection / KIB)),
      runs: idleRuns.length,
      better: 'lower',
      target: { on: 'value', op: '≤', bound: RSS_TARGET_BYTES / KIB },
    });
  }
  return {
    title: '4. Socket.IO fan-out',
    method:
      `The service (\`bench/support/ws-price-server.ts\`: the real app, throwaway PostgreSQL database, ` +
      `in-memory adapter, WS_MIN_INTERVAL_MS=50 so nothing is coalesced) publishes 10 BTC prices/s on its ` +
      `price bus for ${SETTINGS.ws.seconds} s to ${WS_SIZES.map((n) => fmt(n)).join(' and ')} subscribed ` +
      `Socket.IO clients (websocket transport, spread over client processes of at most 2,500 clients each); ` +
      `${SETTINGS.ws.runs} run(s) per size, each ` +
      `a fresh server. RSS per connection: RSS growth after connecting (median of three samples after a ` +
      `forced GC) ÷ clients. After the ${fmt(small)}-client stream, ${fmt(SETTINGS.ws.idle)} idle connections ` +
      'are opened on the same server.',
    figures,
    notes: [
      `Server and client processes share the machine's cores: at ${fmt(large)} subscribed the clients ` +
        'decode 50,000 messages/s between them, and their own queueing is inside the publish → client figure. ' +
        "The server's share is measured inside the server: from the publish on the price bus to the last " +
        "frame handed to a client's socket for that price.",
      'RSS per connection is a difference of RSS samples tens of MiB apart: it moves by several KiB ' +
        'between runs and can even come out negative in short runs (memory returned while connecting).',
    ],
  };
}

function embeddedSection(r: ReadResults, w: WriteResults): Section {
  const { runs } = SETTINGS.read;
  const embedded = r.embedded!;
  const vsServer = (ours: RouteResult, server: RouteResult): Figure => ({
    name: ours.name,
    unit: 'req/s',
    value: rps(ours),
    runs,
    reference: { name: 'PostgreSQL', value: rps(server) },
    better: 'higher',
  });
  return {
    title: '5. Embedded database (PGlite) against PostgreSQL',
    method:
      'The same service, data and load as sections 1 and 3, without DATABASE_URL: the service starts ' +
      'PGlite (WASM) in its own process on a temporary PGLITE_DATA_DIR (seeded before it starts through ' +
      'the same repositories) and talks to it over pglite-socket with a pool of one connection. Redis is ' +
      'the same in both modes, so only the database differs. The ingest row runs PGlite in the benchmark process.',
    figures: [
      vsServer(embedded.price, r.service.price),
      vsServer(embedded.listingCold, r.service.listingCold),
      vsServer(embedded.ohlcCold, r.service.ohlcCold),
      {
        name: 'CandlesRepository.upsert on PGlite',
        unit: 'rows/s',
        value: w.embeddedUpsert!,
        runs: SETTINGS.write.runs,
        reference: { name: 'PostgreSQL', value: w.upsert },
        better: 'higher',
      },
    ],
    notes: [
      'No target: embedded mode is for development and demos. Under 50 connections the one PGlite ' +
        'connection serialises every query; each run is followed by one more request, which answers ' +
        "only after the queued ones, so no run inherits the previous one's backlog.",
      failedRequests(Object.values(embedded)),
    ],
  };
}

function startupSection(s: StartupResults): Section {
  const { runs } = SETTINGS.startup;
  const bare = { name: 'bare Fastify', value: s.bare };
  const row = (name: string, value: Summary): Figure => ({
    name,
    unit: 'ms',
    value,
    runs,
    reference: bare,
    better: 'lower',
  });
  return {
    title: '6. Cold start to ready',
    method:
      'From spawning `node dist/src/main.js` (production settings) until GET /health/ready answers 200 ' +
      '(the database answered), polled every 10 ms; each process stopped before the next starts. ' +
      'The reference is `bench/support/bare-server.ts` (Fastify + ioredis) to its first answer.',
    figures: [
      row('server mode (PostgreSQL + Redis), migrated database', s.server),
      row('embedded PGlite, existing data directory', s.embedded),
      row(
        'embedded PGlite, first start (empty directory: create + all migrations)',
        s.embeddedFirst,
      ),
    ],
    notes: ['No target set. Redis is configured in every mode.'],
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadBefore = loadavg()[0];
  const failures: string[] = [];
  const durations: string[] = [];
  /** Runs one benchmark; a failure is reported and the others still run. */
  const attempt = async <T>(title: string, run: () => Promise<T>): Promise<T | undefined> => {
    process.stderr.write(`\n== ${title}\n`);
    const t0 = performance.now();
    try {
      return await run();
    } catch (error) {
      failures.push(`${title}: ${error instanceof Error ? error.message : String(error)}`);
      console.error(error);
      return undefined;
    } finally {
      durations.push(`${title} ${fmt((performance.now() - t0) / 60_000, 1)} min`);
    }
  };

  const reads = await attempt('reads', () =>
    measureReads({ ...SETTINGS.read, express: true, embedded: true }),
  );
  const writes = await attempt('ingestion writes', () =>
    measureWrites({ ...SETTINGS.write, embedded: true }),
  );
  const fanout = await attempt('Socket.IO fan-out', async () => {
    const byClients = new Map<number, FanoutResults[]>();
    for (const clients of WS_SIZES) {
      const runs: FanoutResults[] = [];
      for (let run = 0; run < SETTINGS.ws.runs; run++) {
        runs.push(
          await measureFanout({
            subscribed: clients,
            // The idle phase once per run, on the smaller size's server.
            idle: clients === WS_SIZES[0] ? SETTINGS.ws.idle : 0,
            seconds: SETTINGS.ws.seconds,
            redis: false,
          }),
        );
        process.stderr.write(`fan-out ${fmt(clients)} clients, run ${run + 1} done\n`);
      }
      byClients.set(clients, runs);
    }
    return byClients;
  });
  const startup = await attempt('cold start', () => measureStartup(SETTINGS.startup));

  const sections: Section[] = [];
  if (reads) sections.push(readSection(reads), adapterSection(reads));
  if (writes) sections.push(writeSection(writes));
  if (fanout) sections.push(fanoutSection(fanout));
  if (reads && writes) sections.push(embeddedSection(reads, writes));
  if (startup) sections.push(startupSection(startup));

  const figures = sections.flatMap((s) => s.figures);
  const judged = figures.map(verdict).filter((v) => v !== undefined);
  const minutes = (performance.now() - started) / 60_000;
  const date = new Date().toISOString();
  const markdown = [
    `# Performance report — ${date}${QUICK ? ' (quick: too few and too short runs to quote)' : ''}`,
    '',
    `${machine()}. Load average (1 min) ${fmt(loadBefore, 2)} before, ${fmt(loadavg()[0], 2)} after; ` +
      `${fmt(minutes, 1)} minutes (${durations.join(', ')}). Figures are medians of the runs with min–max; a ratio is the ` +
      'median divided by the reference median measured in the same run. Method: bench/README.md.',
    '',
    `Targets met: ${judged.filter(Boolean).length} of ${judged.length}.` +
      (failures.length ? ` **Failed benchmarks:** ${failures.join('; ')}` : ''),
    '',
    ...sections.flatMap((section) => [renderSection(section), '']),
  ].join('\n');
  const directory = join(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(directory, { recursive: true });
  const file = join(directory, `${date.replace(/[:.]/g, '-')}${QUICK ? '-quick' : ''}.md`);
  // Formatted as `npm run lint` checks it, so a report can be committed as written.
  const report = await format(markdown, {
    ...(await resolveConfig(file)),
    filepath: file,
  });
  writeFileSync(file, report);
  console.log(report);
  console.log(`Report written to ${file}`);
  process.exitCode = failures.length ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
