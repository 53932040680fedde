// The environment contract (docs/architecture.md, "Configuration contract"): every variable the
// service reads, with its default and its validation rule. Validated once at boot.
import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const PROVIDER_NAMES = [
  'coingecko',
  'coinmarketcap',
  'coinpaprika',
  'binance',
  'csv',
] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

const TRUE_VALUES = new Set(['true', '1', 'yes', 'on']);
const FALSE_VALUES = new Set(['false', '0', 'no', 'off']);

/** Environment strings to booleans; anything else is left as a string so validation names it. */
const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const normalised = value.trim().toLowerCase();
  if (TRUE_VALUES.has(normalised)) return true;
  if (FALSE_VALUES.has(normalised)) return false;
  return value;
};

/** Integers must be written as integers: `PORT=abc` or `PORT=3.5` stay strings and fail. */
const toInteger = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;

/** A whole number in [min, max] (max optional); `message` replaces the default messages. */
export function IntegerVar(min: number, max?: number, message?: string): PropertyDecorator {
  const options = message ? { message } : {};
  return applyDecorators(
    Transform(toInteger),
    IsInt(options),
    Min(min, options),
    ...(max === undefined ? [] : [Max(max, options)]),
  );
}

/** true/false (also 1/0, yes/no, on/off). */
export function BooleanVar(): PropertyDecorator {
  return applyDecorators(Transform(toBoolean), IsBoolean({ message: 'must be true or false' }));
}

/** A comma-separated list of 1–20 letter-or-digit symbols. */
function SymbolListVar(): PropertyDecorator {
  return Matches(/^\s*[A-Za-z0-9]{1,20}(\s*,\s*[A-Za-z0-9]{1,20})*\s*$/, {
    message: 'must be a comma-separated list of symbols (1–20 letters or digits each)',
  });
}

const POSTGRES_URL = /^postgres(ql)?:\/\/[^\s/]+(\/[^\s]*)?$/;
const REDIS_URL = /^rediss?:\/\/[^\s]+$/;
const HTTP_URL_OPTIONS = {
  require_tld: false,
  protocols: ['http', 'https'],
  require_protocol: true,
};
const WS_URL_OPTIONS = { require_tld: false, protocols: ['ws', 'wss'], require_protocol: true };

export class Environment {
  @IsIn(NODE_ENVS)
  NODE_ENV: NodeEnv = 'development';

  @IntegerVar(0, 65535, 'must be an integer between 0 and 65535')
  PORT = 3000;

  @IsString()
  @MinLength(1)
  HOST = '0.0.0.0';

  @IsOptional()
  @Matches(POSTGRES_URL, { message: 'must be a postgres:// or postgresql:// connection URL' })
  DATABASE_URL?: string;

  @IsString()
  @MinLength(1)
  PGLITE_DATA_DIR = './data/pglite';

  @IntegerVar(1, 200)
  DB_POOL_SIZE = 10;

  @IntegerVar(100, 60_000)
  DB_CONNECT_TIMEOUT_MS = 1_500;

  @IntegerVar(100, 600_000)
  DB_STATEMENT_TIMEOUT_MS = 10_000;

  /** An Idempotency-Key's holder renews it while it runs; unrenewed this long, it is free. */
  @IntegerVar(1, 3_600, 'must be a whole number of seconds between 1 and 3600')
  IDEMPOTENCY_LEASE_SECONDS = 30;

  @IsOptional()
  @Matches(REDIS_URL, { message: 'must be a redis:// or rediss:// connection URL' })
  REDIS_URL?: string;

  @Matches(/^[A-Za-z0-9_.-]{1,40}$/, { message: 'must be 1 to 40 letters, digits, _ . or -' })
  REDIS_KEY_PREFIX = 'cma';

  @IntegerVar(1, 86_400)
  CACHE_TTL_SECONDS = 300;

  /** In-process first level of the response cache, per instance (bodies and their variants). */
  @IntegerVar(1, 4_096)
  CACHE_MEMORY_MAX_MB = 64;

  /**
   * Cache generations are bumped at most this often (ms): the longest a cached answer can lag
   * behind ingested data. 0 bumps on every commit.
   */
  @IntegerVar(0, 60_000)
  CACHE_INVALIDATION_INTERVAL_MS = 1_000;

  @IntegerVar(1, 86_400)
  PRICE_STALE_SECONDS = 300;

  @IntegerVar(1)
  RATE_LIMIT_PER_MINUTE = 100;

  @IntegerVar(1)
  SYNC_RATE_LIMIT_PER_MINUTE = 10;

  @IntegerVar(1)
  PARTNER_RATE_LIMIT_PER_MINUTE = 1_000;

  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters long' })
  @MaxLength(256)
  ADMIN_API_KEY?: string;

  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  @BooleanVar()
  TRUST_PROXY = false;

  @IntegerVar(1_024, 10 * 1024 * 1024)
  BODY_LIMIT_BYTES = 100 * 1024;

  /** Largest file an admin may upload to POST /api/v1/cryptocurrencies/sync/candles. */
  @IntegerVar(1_024, 1024 * 1024 * 1024)
  IMPORT_BODY_LIMIT_BYTES = 50 * 1024 * 1024;

  @IntegerVar(100, 120_000)
  SHUTDOWN_TIMEOUT_MS = 10_000;

  @IntegerVar(100, 2_000)
  HEALTH_CHECK_TIMEOUT_MS = 2_000;

  @IsString()
  @Matches(
    new RegExp(`^\\s*(${PROVIDER_NAMES.join('|')})(\\s*,\\s*(${PROVIDER_NAMES.join('|')}))*\\s*$`),
    {
      message: `must be a comma-separated list of: ${PROVIDER_NAMES.join(', ')}`,
    },
  )
  INGESTION_PROVIDERS = 'coingecko,binance,csv';

  @IntegerVar(100, 60_000)
  PROVIDER_TIMEOUT_MS = 10_000;

  /** A provider response larger than this is refused (32 MiB; a real page is < 1 MB). */
  @IntegerVar(1_024, 1_073_741_824)
  PROVIDER_MAX_BODY_BYTES = 33_554_432;

  /** Failed provider calls in a row that open its circuit (calls then fail at once). */
  @IntegerVar(1, 1_000)
  PROVIDER_CIRCUIT_FAILURES = 5;

  @IntegerVar(1, 3_600)
  PROVIDER_CIRCUIT_OPEN_SECONDS = 60;

  @BooleanVar()
  INGESTION_SCHEDULE = true;

  /** The frequent listings job (top 50): clock-aligned slots of this many seconds. */
  @IntegerVar(1, 3_600)
  INGESTION_TOP50_INTERVAL_SECONDS = 300;

  @IntegerVar(1, 10_000)
  ANOMALY_THRESHOLD_PERCENT = 50;

  @IntegerVar(60)
  INGESTION_STALE_AFTER_SECONDS = 900;

  @IntegerVar(1, 3_650)
  RETENTION_DAYS = 365;

  @BooleanVar()
  SYNC_ON_STARTUP = true;

  @IsUrl(HTTP_URL_OPTIONS)
  COINGECKO_BASE_URL = 'https://api.coingecko.com/api/v3';

  @IsUrl(HTTP_URL_OPTIONS)
  COINMARKETCAP_BASE_URL = 'https://pro-api.coinmarketcap.com';

  @IsUrl(HTTP_URL_OPTIONS)
  COINPAPRIKA_BASE_URL = 'https://api.coinpaprika.com';

  @IsUrl(HTTP_URL_OPTIONS)
  BINANCE_BASE_URL = 'https://api.binance.com';

  @IsUrl(WS_URL_OPTIONS)
  BINANCE_WS_URL = 'wss://stream.binance.com:9443';

  @IsOptional()
  @IsString()
  COINGECKO_API_KEY?: string;

  @IsOptional()
  @IsString()
  COINMARKETCAP_API_KEY?: string;

  @IsString()
  @MinLength(1)
  CSV_IMPORT_PATH = './data/crypto_prices.csv';

  /**
   * Daily history shipped with the service (`SYMBOL.csv[.gz]` files), imported once at startup
   * (with SYNC_ON_STARTUP) as candles of source `bundled`: `auto` on the embedded database
   * only, `true` on any, `false` never. A file already imported (same checksum) is skipped.
   */
  @IsIn(['auto', 'true', 'false'])
  HISTORY_BUNDLE_IMPORT: 'auto' | 'true' | 'false' = 'auto';

  @IsString()
  @MinLength(1)
  HISTORY_BUNDLE_DIR = './data/history';

  /**
   * Daily CoinGecko market charts (price, market cap, volume) of the best-ranked listed coins
   * Binance does not track: how many coins (0: none), how far back (365 is the free tier's
   * reach; more with a paid key), and how many chart calls a minute (within the free tier's
   * call budget, shared with the listing).
   */
  @IntegerVar(0, 1_000)
  COINGECKO_HISTORY_COINS = 50;

  @IntegerVar(1, 36_500)
  COINGECKO_HISTORY_DAYS = 365;

  @IntegerVar(1, 100)
  COINGECKO_HISTORY_CALLS_PER_MINUTE = 5;

  /** Base assets whose `<SYMBOL>USDT` pairs Binance serves: ticker, klines, live stream. */
  @SymbolListVar()
  BINANCE_SYMBOLS =
    'BTC,ETH,BNB,SOL,XRP,DOGE,ADA,TRX,AVAX,LINK,DOT,LTC,BCH,UNI,ATOM,XLM,NEAR,FIL,APT,ARB';

  @BooleanVar()
  BINANCE_STREAM = true;

  /** How far back the first kline catch-up of a symbol reaches. */
  @IntegerVar(1, 525_600)
  BINANCE_BACKFILL_MINUTES = 1_440;

  /** Backfill daily klines of every tracked pair back to its first trading day. */
  @BooleanVar()
  BINANCE_DAILY_HISTORY = true;

  /** How far back hourly klines are backfilled (days; 0: none). */
  @IntegerVar(0, 3_650)
  BINANCE_HOURLY_HISTORY_DAYS = 730;

  /**
   * Kline pages (1,000 candles, weight 2 each) the history backfill may fetch per minute:
   * bounded so a fresh start leaves the weight budget to the 1-minute catch-up and live work.
   */
  @IntegerVar(1, 600)
  BINANCE_HISTORY_PAGES_PER_MINUTE = 30;

  /** Binance cuts stream connections at 24 h; reconnect (and backfill) before that. */
  @IntegerVar(1, 86_000)
  BINANCE_WS_MAX_AGE_SECONDS = 82_800;

  /** Live trades (stream, simulator) are written and published at this interval. */
  @IntegerVar(50, 60_000)
  LIVE_FLUSH_MS = 1_000;

  /** Live sources write a price snapshot (what /history shows) per asset at most this often. */
  @IntegerVar(1, 86_400)
  LIVE_SNAPSHOT_INTERVAL_SECONDS = 60;

  @BooleanVar()
  MARKET_SIMULATOR = false;

  @SymbolListVar()
  SIMULATOR_SYMBOLS = 'BTC,ETH,SOL,BNB,XRP,ADA,DOGE,AVAX';

  /** Per symbol. */
  @IntegerVar(1, 10_000)
  SIMULATOR_TRADES_PER_SECOND = 20;

  /** Real-time: at most one update per symbol per client this often (latest value wins). */
  @IntegerVar(10, 60_000)
  WS_MIN_INTERVAL_MS = 250;

  @IntegerVar(1, 1_000)
  WS_MAX_SYMBOLS_PER_CLIENT = 50;

  /** Unsent bytes a real-time connection may hold in this process before it is closed. */
  @IntegerVar(16_384, 268_435_456)
  WS_MAX_BUFFERED_BYTES = 1_048_576;

  /** Client messages per second per connection (Socket.IO and /ws) before `rate_limited`. */
  @IntegerVar(1, 10_000)
  WS_MESSAGES_PER_SECOND = 20;

  /** Require a valid API key in the Socket.IO handshake (`auth.apiKey`) or on /ws. */
  @BooleanVar()
  WS_REQUIRE_API_KEY = false;

  /** The dashboard's operations data (/dashboard/data/ops) needs an admin key (default: WS_REQUIRE_API_KEY). */
  @IsOptional()
  @BooleanVar()
  DASHBOARD_OPS_REQUIRE_API_KEY?: boolean;

  /** A Socket.IO client reconnecting within this window gets the updates it missed (0: off). */
  @IntegerVar(0, 3_600)
  WS_RECOVERY_WINDOW_SECONDS = 120;

  /** Heartbeat of both protocols: a connection silent for about twice this is closed. */
  @IntegerVar(1, 300)
  WS_HEARTBEAT_SECONDS = 25;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';
}
