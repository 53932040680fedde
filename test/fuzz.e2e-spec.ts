// Property-based fuzzing of every operation in the service's own OpenAPI document (GET
// /docs-json): no 5xx, only declared statuses, problem+json errors, bodies that match the
// declared schemas. Cold (empty database and cache), then warm (seeded, cache populated).
// FUZZ_RUNS sets the cases per operation and phase, FUZZ_SEED replays a run, FUZZ_ONLY
// keeps the operations whose "METHOD /path" contains it (`npm run fuzz` runs 1,000).
import fc from 'fast-check';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { clientsFor } from './support/clients';
import { FakeProviderServer } from './support/fake-provider-server';
import { MarketSeeder, anAsset, minuteCandles } from './support/market-fixtures';
import {
  ResponseChecker,
  describeRequest,
  headerOf,
  operationsOf,
  requestsFor,
  send,
  swapsFor,
  type FuzzContext,
  type FuzzRequest,
  type OpenApiDocument,
  type Operation,
} from './support/openapi-fuzz';
import { startTestApp, type TestApp } from './support/test-app';

const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;
const ONLY = process.env.FUZZ_ONLY;
const ADMIN_KEY = 'fuzz-admin-key-0123456789abcdef';
/** Test-only routes (test/support/probe.module.ts; /__probe/boom answers 500 on purpose). */
const TEST_ONLY_PATHS = /^\/__probe\//;
/**
 * Statuses any operation may answer, documented once in the document's description (rate
 * limits; errors of Node's HTTP parser, answered before routing) rather than on each one.
 */
const GLOBAL_STATUSES = [408, 429, 431];
/** RFC 9457 lets problem documents carry extension members (run_id, retry_after, …). */
const OPEN_SCHEMAS = ['ProblemDetailsDto'];
const PHASE_TIMEOUT_MS = 60_000 + RUNS * 4_000;

/** A stable seed per phase and operation: one operation's failure replays on its own. */
function seedFor(phase: string, id: string): number {
  let hash = SEED;
  for (const ch of `${phase} ${id}`) hash = (Math.imul(hash, 31) + ch.charCodeAt(0)) | 0;
  return hash;
}

describe('OpenAPI fuzzing (e2e)', () => {
  let sut: TestApp;
  const { ingestion, service } = clientsFor(() => sut.baseUrl);
  const admin = clientsFor(() => sut.baseUrl, { 'X-API-Key': ADMIN_KEY });
  let provider: FakeProviderServer;
  let doc: OpenApiDocument;
  let checker: ResponseChecker;
  let operations: Operation[];
  const ctx: FuzzContext = {
    symbols: [],
    runIds: [],
    sources: ['csv', 'coingecko', 'binance', 'coinpaprika'],
    adminKeys: [],
    otherKeys: [],
  };

  beforeAll(async () => {
    process.stdout.write(`fuzz: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}\n`);
    // Every HTTP provider points at a local server that refuses: fuzzing sync never leaves
    // the machine, and a provider sync fails fast (404 is not retried) as a 502.
    provider = new FakeProviderServer();
    provider.script({ status: 404, body: { error: 'fuzz: no such provider' } });
    const providerUrl = await provider.start();
    sut = await startTestApp({
      env: {
        ADMIN_API_KEY: ADMIN_KEY,
        INGESTION_PROVIDERS: 'csv,coingecko,binance,coinpaprika',
        COINGECKO_BASE_URL: `${providerUrl}/api/v3`,
        COINMARKETCAP_BASE_URL: providerUrl,
        COINPAPRIKA_BASE_URL: providerUrl,
        BINANCE_BASE_URL: providerUrl,
        BINANCE_WS_URL: 'ws://127.0.0.1:9',
      },
    });
    doc = (await service.openApi<OpenApiDocument>()).body;
    checker = new ResponseChecker(doc, {
      globalStatuses: GLOBAL_STATUSES,
      openSchemas: OPEN_SCHEMAS,
    });
    // Admin operations last, so the cold phase reads an empty database before any sync.
    operations = operationsOf(doc, TEST_ONLY_PATHS)
      .filter((op) => !ONLY || op.id.includes(ONLY))
      .sort((a, b) => Number(Boolean(a.spec.security)) - Number(Boolean(b.spec.security)));
    const keys = sut.app.get(ApiKeysService);
    ctx.adminKeys = [ADMIN_KEY, (await keys.create('fuzz-admin', 'admin')).key];
    ctx.otherKeys = [(await keys.create('fuzz-partner', 'partner')).key];
  });

  afterAll(async () => {
    await syncsSettled();
    await sut?.close();
    await provider?.stop();
  });

  /** Runs started with wait=false finish before the data changes or the app closes. */
  async function syncsSettled(): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const { body: running } = await ingestion.runs({ status: 'running' });
      if (running.length === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Statuses seen per phase, printed with the summary (is the fuzzer reaching the code?). */
  let statuses = new Map<number, number>();

  /**
   * Sends a request and checks the answer; a cacheable 200 is replayed with its ETag. Not a test
   * client: the fuzzer's own sender (node:http) sends its requests as generated, malformed ones too.
   */
  async function exchange(op: Operation, request: FuzzRequest): Promise<void> {
    let response;
    try {
      response = await send(sut.baseUrl, request);
    } catch (error) {
      throw new Error(`no response: ${String(error)}`);
    }
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    const found = checker.violations(op, request, response);
    const etag = headerOf(response, 'etag');
    if (found.length === 0 && response.status === 200 && etag) {
      const replay = { ...request, headers: { ...request.headers, 'If-None-Match': etag } };
      found.push(
        ...checker
          .violations(op, replay, await send(sut.baseUrl, replay))
          .map((v) => `with If-None-Match: ${v}`),
      );
    }
    if (found.length) throw new Error(`${response.status}: ${found.join('; ')}`);
  }

  async function fuzz(phase: string): Promise<{ failures: string[]; cases: number }> {
    const failures: string[] = [];
    let cases = 0;
    statuses = new Map();
    const run = async (
      id: string,
      op: Operation,
      arbitrary: fc.Arbitrary<FuzzRequest>,
      numRuns: number,
    ) => {
      const seed = seedFor(phase, id);
      const details = await fc.check(
        fc.asyncProperty(arbitrary, (request) => exchange(op, request)),
        { numRuns, seed },
      );
      cases += details.numRuns;
      if (details.failed) {
        const [request] = details.counterexample ?? [];
        failures.push(
          `${phase} ${id}: ${request ? describeRequest(request) : '?'}\n  → ${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}\n  replay: FUZZ_SEED=${SEED} FUZZ_ONLY='${op.id}' (fast-check seed ${seed}, path ${details.counterexamplePath})`,
        );
      }
    };
    for (const op of operations) {
      await run(
        op.id,
        op,
        requestsFor(op, {
          doc,
          ctx,
          bodyLimitBytes: sut.config.http.bodyLimitBytes,
          apiKeyHeader: 'X-API-Key',
        }),
        RUNS,
      );
    }
    for (const path of new Set(operations.map((op) => op.path))) {
      const op = operations.find((o) => o.path === path)!;
      await run(`swap ${path}`, op, swapsFor(doc, path, ctx, 'X-API-Key'), Math.min(RUNS, 10));
    }
    await syncsSettled();
    return { failures, cases };
  }

  async function seedMarket(): Promise<void> {
    const seeder = new MarketSeeder(sut.app);
    const symbols = ['BTC', 'ETH', 'SOL', 'DOGE', 'USDT'];
    const ids = await seeder.assets(
      symbols.map((symbol, i) =>
        anAsset({
          symbol,
          currentPrice: 10 ** (4 - i),
          marketCapRank: i + 1,
          marketCap: 10 ** (12 - i),
          priceChangePercentage24h: i - 2,
        }),
      ),
    );
    const now = Date.now();
    const start = new Date(Math.floor((now - 6 * 3_600_000) / 60_000) * 60_000);
    for (const symbol of symbols) {
      const assetId = ids.get(symbol)!;
      await seeder.candles(minuteCandles(assetId, start, 360));
      await seeder.snapshots(
        Array.from({ length: 50 }, (_, i) => ({
          assetId,
          timestamp: new Date(now - i * 600_000),
          source: 'coingecko',
          price: 100 + i,
        })),
      );
    }
    await seeder.latestPrices(
      symbols.map((symbol) => ({ symbol, price: 100, timestamp: now, source: 'binance' })),
    );
    await seeder.invalidate(symbols);
    const synced = await admin.ingestion.sync({ provider: 'csv' });
    expect(synced.status).toBe(200);
    const { body: runs } = await ingestion.runs({ limit: 100 });
    ctx.symbols = symbols;
    ctx.runIds = runs.map((r) => r.id);
  }

  const expectNoFailures = (
    { failures, cases }: { failures: string[]; cases: number },
    phase: string,
  ) => {
    const seen = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
    process.stdout.write(
      `fuzz: ${phase}: ${cases} cases over ${operations.length} operations (${seen.join(' ')})\n`,
    );
    expect(failures).toEqual([]);
  };

  it(
    'cold (empty database and cache): every answer is declared, typed and well-formed',
    async () => {
      expectNoFailures(await fuzz('cold'), 'cold');
    },
    PHASE_TIMEOUT_MS,
  );

  it(
    'warm (seeded data, cache populated by a first pass): the same holds on hits',
    async () => {
      await seedMarket();
      expectNoFailures(await fuzz('warm'), 'warm');
      // The same cases again: now answered from the cache (and 304 on their ETags).
      expectNoFailures(await fuzz('warm'), 'warm (cached)');
    },
    PHASE_TIMEOUT_MS * 2,
  );
});
