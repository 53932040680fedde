// Each market-data provider: where it is, its key, and what history and live data it fetches.
import { IsOptional, IsString, IsUrl } from 'class-validator';
import { BooleanVar, IntegerVar, SymbolListVar } from './environment-decorators';

const HTTP_URL_OPTIONS = {
  require_tld: false,
  protocols: ['http', 'https'],
  require_protocol: true,
};
const WS_URL_OPTIONS = { require_tld: false, protocols: ['ws', 'wss'], require_protocol: true };

export class ProviderEnvironment {
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
}
