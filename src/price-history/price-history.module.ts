import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CryptocurrenciesModule } from '../cryptocurrencies/cryptocurrencies.module';
import { CurrenciesModule } from '../currencies/currencies.module';
import { CandlesRepository } from './candles.repository';
import { CandleRollupEntity } from './entities/candle-rollup.entity';
import { CandleEntity } from './entities/candle.entity';
import { PriceSnapshotEntity } from './entities/price-snapshot.entity';
import { LatestPriceStore } from './latest-price.store';
import { MarketDataPublisher } from './market-data.publisher';
import { IndicatorsService } from './indicators.service';
import { OhlcService } from './ohlc.service';
import { PriceBus } from './price-bus';
import { PriceHistoryController } from './price-history.controller';
import { PriceHistoryService } from './price-history.service';
import { PriceSnapshotsRepository } from './price-snapshots.repository';

@Module({
  imports: [
    TypeOrmModule.forFeature([PriceSnapshotEntity, CandleEntity, CandleRollupEntity]),
    CryptocurrenciesModule,
    CurrenciesModule,
  ],
  controllers: [PriceHistoryController],
  providers: [
    PriceHistoryService,
    OhlcService,
    IndicatorsService,
    CandlesRepository,
    PriceSnapshotsRepository,
    LatestPriceStore,
    PriceBus,
    MarketDataPublisher,
  ],
  exports: [
    OhlcService,
    PriceHistoryService,
    CandlesRepository,
    PriceSnapshotsRepository,
    LatestPriceStore,
    PriceBus,
    MarketDataPublisher,
  ],
})
export class PriceHistoryModule {}
