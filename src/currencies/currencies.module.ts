import { Module } from '@nestjs/common';
import { CoinGeckoFxSource } from './coingecko-fx.source';
import { CurrenciesService } from './currencies.service';
import { FxBundleService } from './fx-bundle.service';
import { FxRatesRepository } from './fx-rates.repository';
import { QuoteConverter } from './quote-converter';

/** Quote currencies: FX history (bundled and CoinGecko), crypto quotes, conversion. */
@Module({
  providers: [
    FxRatesRepository,
    CurrenciesService,
    QuoteConverter,
    FxBundleService,
    CoinGeckoFxSource,
  ],
  exports: [CurrenciesService, QuoteConverter],
})
export class CurrenciesModule {}
