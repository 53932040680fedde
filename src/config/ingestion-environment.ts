// Ingestion: which sources run and in what priority, the bounds on every provider call, the
// schedule and retention, the CSV and bundled-history imports, live trades and the simulator.
import { IsIn, IsString, Matches, MinLength } from 'class-validator';
import { BooleanVar, IntegerVar, SymbolListVar } from './environment-decorators';

export const PROVIDER_NAMES = [
  'coingecko',
  'coinmarketcap',
  'coinpaprika',
  'binance',
  'csv',
] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export class IngestionEnvironment {
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
}
