import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CryptocurrenciesModule } from '../cryptocurrencies/cryptocurrencies.module';
import { PriceHistoryModule } from '../price-history/price-history.module';
import { EtlCheckpointEntity } from './entities/etl-checkpoint.entity';
import { IngestionRunEntity } from './entities/ingestion-run.entity';
import { RawPayloadEntity } from './entities/raw-payload.entity';
import { CandleImportController } from './history/candle-import.controller';
import { CandleImportService } from './history/candle-import.service';
import { BundledHistoryService } from './history/bundled-history.service';
import { KlineHistoryService } from './history/kline-history.service';
import { CoinGeckoHistoryService } from './history/coingecko-history.service';
import { IngestionJobsService } from './ingestion-jobs.service';
import { IngestionScheduler } from './ingestion.scheduler';
import { IngestionRunsService } from './ingestion-runs.service';
import { IngestionController } from './ingestion.controller';
import { IngestionRepository } from './ingestion.repository';
import { IngestionService } from './ingestion.service';
import { CoinGeckoProvider } from './providers/coingecko.provider';
import { CoinMarketCapProvider } from './providers/coinmarketcap.provider';
import { CoinPaprikaProvider } from './providers/coinpaprika.provider';
import { CsvProvider } from './providers/csv.provider';
import { BinanceProvider } from './providers/binance.provider';
import { BinanceStreamService } from './live/binance-stream.service';
import { KlineSyncService } from './live/kline-sync.service';
import { LiveFeedFactory } from './live/live-feed';
import { LiveMarketWriter } from './live/live-market.writer';
import { MarketSimulatorService } from './live/market-simulator.service';
import { SyncController } from './sync.controller';
import { MARKET_DATA_PROVIDERS, type MarketDataProvider } from './providers/market-data-provider';

@Module({
  imports: [
    ScheduleModule.forRoot(),
    TypeOrmModule.forFeature([IngestionRunEntity, RawPayloadEntity, EtlCheckpointEntity]),
    CryptocurrenciesModule,
    PriceHistoryModule,
  ],
  controllers: [IngestionController, SyncController, CandleImportController],
  providers: [
    IngestionRunsService,
    CsvProvider,
    CoinGeckoProvider,
    CoinMarketCapProvider,
    CoinPaprikaProvider,
    BinanceProvider,
    {
      provide: MARKET_DATA_PROVIDERS,
      inject: [
        CsvProvider,
        CoinGeckoProvider,
        CoinMarketCapProvider,
        CoinPaprikaProvider,
        BinanceProvider,
      ],
      useFactory: (...providers: MarketDataProvider[]) => providers,
    },
    IngestionRepository,
    IngestionService,
    IngestionJobsService,
    IngestionScheduler,
    LiveFeedFactory,
    LiveMarketWriter,
    KlineSyncService,
    BinanceStreamService,
    MarketSimulatorService,
    CandleImportService,
    BundledHistoryService,
    KlineHistoryService,
    CoinGeckoHistoryService,
  ],
  exports: [IngestionService, IngestionRepository, IngestionScheduler, IngestionRunsService],
})
export class IngestionModule {}
