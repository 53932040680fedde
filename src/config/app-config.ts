// The typed configuration every other module injects. Built once from the environment by
// `loadAppConfig`; nothing else in src/ reads process.env.
import type { ValidationError } from 'class-validator';
import { readEnvironment } from './environment';
import { PROVIDER_NAMES, type ProviderName } from './ingestion-environment';
import type { LogLevel, NodeEnv } from './server-environment';

export class ConfigValidationError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      `Invalid environment configuration:\n${problems
        .map((p) => `  - ${p.variable}: ${p.message}`)
        .join('\n')}`,
    );
    this.name = 'ConfigValidationError';
  }
}

export interface ProviderEndpoint {
  baseUrl: string;
  apiKey?: string;
}

/** Injection token and type in one: `constructor(private readonly config: AppConfig)`. */
export abstract class AppConfig {
  abstract readonly env: NodeEnv;
  abstract readonly http: {
    host: string;
    port: number;
    bodyLimitBytes: number;
    /** Of a file uploaded to an import route. */
    importBodyLimitBytes: number;
    trustProxy: boolean;
    /** `'*'` allows any origin (development only); otherwise the exact list. */
    corsOrigins: '*' | string[];
    shutdownTimeoutMs: number;
  };
  abstract readonly database: {
    /** Unset: the embedded PGlite server is started in-process. */
    url?: string;
    pgliteDataDir: string;
    poolSize: number;
    connectTimeoutMs: number;
    statementTimeoutMs: number;
  };
  /** An in-progress Idempotency-Key not renewed for this long is taken over by a retry. */
  abstract readonly idempotency: { leaseSeconds: number };
  abstract readonly redis: { url?: string; keyPrefix: string };
  abstract readonly cache: {
    ttlSeconds: number;
    memoryMaxBytes: number;
    invalidationIntervalMs: number;
  };
  /** A latest price older than this is served with `stale: true`. */
  abstract readonly marketData: { priceStaleSeconds: number };
  /** The operations view's data needs an admin API key. */
  abstract readonly dashboard: { opsRequireApiKey: boolean };
  abstract readonly rateLimit: {
    perMinute: number;
    partnerPerMinute: number;
    syncPerMinute: number;
  };
  abstract readonly auth: { adminApiKey?: string };
  abstract readonly health: { timeoutMs: number };
  abstract readonly ingestion: {
    providers: ProviderName[];
    syncOnStartup: boolean;
    /** Bound on each provider request (then retried, with backoff). */
    timeoutMs: number;
    /** Bound on each provider response's size. */
    maxBodyBytes: number;
    /** Per provider: failed calls in a row that open its circuit, and for how long. */
    circuit: { failures: number; openMs: number };
    /** Run the scheduled jobs (syncs, retention) in this process. */
    schedule: boolean;
    /** The top-50 listings job runs once per clock-aligned slot of this width. */
    top50IntervalMs: number;
    /** A scheduled source without a success for this long makes /health degraded. */
    staleAfterSeconds: number;
    /** Snapshots and 1-minute candles older than this are deleted daily. */
    retentionDays: number;
    /** A price moving more than this (%) from its previous value or other sources is flagged. */
    anomalyThresholdPercent: number;
    csvImportPath: string;
    /** The bundled daily history: where it is, and whether startup imports it. */
    historyBundle: { dir: string; import: 'auto' | 'true' | 'false' };
    /** Live trades (stream, simulator) are written and published this often. */
    liveFlushMs: number;
    /** Live sources write a price snapshot per asset at most this often. */
    liveSnapshotIntervalMs: number;
    simulator: { enabled: boolean; symbols: string[]; tradesPerSecond: number };
    coingecko: ProviderEndpoint & {
      /** Daily market charts of listed coins Binance does not track. */
      history: { coins: number; days: number; callsPerMinute: number };
    };
    coinmarketcap: ProviderEndpoint;
    coinpaprika: ProviderEndpoint;
    binance: ProviderEndpoint & {
      wsUrl: string;
      /** Base assets (upper case); each is traded as `<SYMBOL>USDT`. */
      symbols: string[];
      stream: boolean;
      backfillMinutes: number;
      /** Daily and hourly history: whether, how far back, and how fast. */
      history: { daily: boolean; hourlyDays: number; pagesPerMinute: number };
      wsMaxAgeMs: number;
    };
  };
  abstract readonly realtime: {
    /** Per symbol, updates are sent at most this often (the latest one wins). */
    minIntervalMs: number;
    maxSymbolsPerClient: number;
    /** A connection with more unsent bytes than this (a client not reading) is closed. */
    maxBufferedBytes: number;
    messagesPerSecond: number;
    requireApiKey: boolean;
    /** Connection-state recovery window; 0 turns recovery off. */
    recoveryWindowMs: number;
    heartbeatMs: number;
  };
  abstract readonly currencies: {
    /** A day without a rate uses the newest one at most this many days before; else null. */
    carryDays: number;
    bundle: { dir: string; import: boolean };
    /** CoinGecko `/exchange_rates` polling (with the coingecko provider); 0: off. */
    ratesIntervalMs: number;
    cacheMs: number;
  };
  abstract readonly log: { level: LogLevel };
}

function flatten(errors: ValidationError[]): { variable: string; message: string }[] {
  return errors.flatMap((error) =>
    [...new Set(Object.values(error.constraints ?? {}))].map((message) => ({
      variable: error.property,
      // class-validator prefixes messages with the property name; the variable is printed already.
      message: message.startsWith(`${error.property} `)
        ? message.slice(error.property.length + 1)
        : message,
    })),
  );
}

function parseList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

const parseSymbols = (value: string): string[] => [
  ...new Set(parseList(value).map((s) => s.toUpperCase())),
];

/**
 * Validates the environment and returns the typed configuration, or throws a
 * ConfigValidationError naming every bad variable. Empty strings count as unset.
 */
export function loadAppConfig(source: Record<string, string | undefined> = process.env): AppConfig {
  const { env, errors } = readEnvironment(source);
  const problems = flatten(errors);

  const corsList = env.CORS_ORIGINS ? parseList(env.CORS_ORIGINS) : undefined;
  if (env.NODE_ENV === 'production' && (!corsList || corsList.includes('*'))) {
    problems.push({
      variable: 'CORS_ORIGINS',
      message: 'must list the allowed origins explicitly when NODE_ENV=production',
    });
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);

  const providers = [...new Set(parseList(env.INGESTION_PROVIDERS))].filter(
    (name): name is ProviderName => (PROVIDER_NAMES as readonly string[]).includes(name),
  );

  return {
    env: env.NODE_ENV,
    http: {
      host: env.HOST,
      port: env.PORT,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      importBodyLimitBytes: env.IMPORT_BODY_LIMIT_BYTES,
      trustProxy: env.TRUST_PROXY,
      corsOrigins: !corsList || corsList.includes('*') ? '*' : corsList,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    },
    database: {
      url: env.DATABASE_URL,
      pgliteDataDir: env.PGLITE_DATA_DIR,
      poolSize: env.DB_POOL_SIZE,
      connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
    },
    idempotency: { leaseSeconds: env.IDEMPOTENCY_LEASE_SECONDS },
    redis: { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX },
    cache: {
      ttlSeconds: env.CACHE_TTL_SECONDS,
      memoryMaxBytes: env.CACHE_MEMORY_MAX_MB * 2 ** 20,
      invalidationIntervalMs: env.CACHE_INVALIDATION_INTERVAL_MS,
    },
    marketData: { priceStaleSeconds: env.PRICE_STALE_SECONDS },
    dashboard: {
      opsRequireApiKey: env.DASHBOARD_OPS_REQUIRE_API_KEY ?? env.WS_REQUIRE_API_KEY,
    },
    rateLimit: {
      perMinute: env.RATE_LIMIT_PER_MINUTE,
      partnerPerMinute: env.PARTNER_RATE_LIMIT_PER_MINUTE,
      syncPerMinute: env.SYNC_RATE_LIMIT_PER_MINUTE,
    },
    auth: { adminApiKey: env.ADMIN_API_KEY },
    health: { timeoutMs: env.HEALTH_CHECK_TIMEOUT_MS },
    ingestion: {
      providers,
      syncOnStartup: env.SYNC_ON_STARTUP,
      timeoutMs: env.PROVIDER_TIMEOUT_MS,
      maxBodyBytes: env.PROVIDER_MAX_BODY_BYTES,
      circuit: {
        failures: env.PROVIDER_CIRCUIT_FAILURES,
        openMs: env.PROVIDER_CIRCUIT_OPEN_SECONDS * 1_000,
      },
      schedule: env.INGESTION_SCHEDULE,
      top50IntervalMs: env.INGESTION_TOP50_INTERVAL_SECONDS * 1_000,
      staleAfterSeconds: env.INGESTION_STALE_AFTER_SECONDS,
      retentionDays: env.RETENTION_DAYS,
      anomalyThresholdPercent: env.ANOMALY_THRESHOLD_PERCENT,
      csvImportPath: env.CSV_IMPORT_PATH,
      historyBundle: { dir: env.HISTORY_BUNDLE_DIR, import: env.HISTORY_BUNDLE_IMPORT },
      liveFlushMs: env.LIVE_FLUSH_MS,
      liveSnapshotIntervalMs: env.LIVE_SNAPSHOT_INTERVAL_SECONDS * 1_000,
      simulator: {
        enabled: env.MARKET_SIMULATOR,
        symbols: parseSymbols(env.SIMULATOR_SYMBOLS),
        tradesPerSecond: env.SIMULATOR_TRADES_PER_SECOND,
      },
      coingecko: {
        baseUrl: env.COINGECKO_BASE_URL,
        apiKey: env.COINGECKO_API_KEY,
        history: {
          coins: env.COINGECKO_HISTORY_COINS,
          days: env.COINGECKO_HISTORY_DAYS,
          callsPerMinute: env.COINGECKO_HISTORY_CALLS_PER_MINUTE,
        },
      },
      coinmarketcap: { baseUrl: env.COINMARKETCAP_BASE_URL, apiKey: env.COINMARKETCAP_API_KEY },
      coinpaprika: { baseUrl: env.COINPAPRIKA_BASE_URL },
      binance: {
        baseUrl: env.BINANCE_BASE_URL,
        wsUrl: env.BINANCE_WS_URL,
        symbols: parseSymbols(env.BINANCE_SYMBOLS),
        stream: env.BINANCE_STREAM,
        backfillMinutes: env.BINANCE_BACKFILL_MINUTES,
        history: {
          daily: env.BINANCE_DAILY_HISTORY,
          hourlyDays: env.BINANCE_HOURLY_HISTORY_DAYS,
          pagesPerMinute: env.BINANCE_HISTORY_PAGES_PER_MINUTE,
        },
        wsMaxAgeMs: env.BINANCE_WS_MAX_AGE_SECONDS * 1_000,
      },
    },
    realtime: {
      minIntervalMs: env.WS_MIN_INTERVAL_MS,
      maxSymbolsPerClient: env.WS_MAX_SYMBOLS_PER_CLIENT,
      maxBufferedBytes: env.WS_MAX_BUFFERED_BYTES,
      messagesPerSecond: env.WS_MESSAGES_PER_SECOND,
      requireApiKey: env.WS_REQUIRE_API_KEY,
      recoveryWindowMs: env.WS_RECOVERY_WINDOW_SECONDS * 1_000,
      heartbeatMs: env.WS_HEARTBEAT_SECONDS * 1_000,
    },
    currencies: {
      carryDays: env.FX_CARRY_DAYS,
      bundle: { dir: env.FX_BUNDLE_DIR, import: env.FX_BUNDLE_IMPORT },
      ratesIntervalMs: env.FX_RATES_INTERVAL_SECONDS * 1_000,
      cacheMs: env.FX_CACHE_SECONDS * 1_000,
    },
    log: { level: env.LOG_LEVEL },
  };
}
