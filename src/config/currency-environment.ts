// The environment variables of quote currencies (issue 19), validated with the rest at boot.
import { IsString, MinLength } from 'class-validator';
import { BooleanVar, IntegerVar } from './environment-decorators';

export class CurrencyEnvironment {
  /**
   * A point converts at the rate of its own day; when that day has none, the newest rate at
   * most this many days before it is used (weekends, holidays), and past that the point is
   * null rather than wrong.
   */
  @IntegerVar(0, 366)
  FX_CARRY_DAYS = 7;

  /** Daily FX history shipped with the service (`CODE.csv.gz`: `date,rate` per USD). */
  @IsString()
  @MinLength(1)
  FX_BUNDLE_DIR = './data/forex';

  /** Import the bundled FX history at startup (in the background; files already imported skip). */
  @BooleanVar()
  FX_BUNDLE_IMPORT = true;

  /** CoinGecko `/exchange_rates` (today's fiat rates) when the coingecko provider is enabled; 0: never. */
  @IntegerVar(0, 86_400)
  FX_RATES_INTERVAL_SECONDS = 3_600;

  /** How long an instance keeps a currency's rate history in memory before reading it again. */
  @IntegerVar(1, 3_600)
  FX_CACHE_SECONDS = 60;
}
