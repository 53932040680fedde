// The routes of the systems this product replaces (see docs/http-api.md), each served from the
// module that owns the data: aliases only, no logic of their own.
import { Module } from '@nestjs/common';
import { CryptocurrenciesModule } from '../cryptocurrencies/cryptocurrencies.module';
import { IngestionModule } from '../ingestion/ingestion.module';
import { PriceHistoryModule } from '../price-history/price-history.module';
import { SentimentModule } from '../sentiment/sentiment.module';
import { CryptocurrenciesCompatibilityController } from './cryptocurrencies-compatibility.controller';
import { IngestionCompatibilityController } from './ingestion-compatibility.controller';
import { PriceHistoryCompatibilityController } from './price-history-compatibility.controller';
import { PriceWindowsService } from './price-windows.service';
import { SentimentCompatibilityController } from './sentiment-compatibility.controller';

@Module({
  imports: [CryptocurrenciesModule, PriceHistoryModule, IngestionModule, SentimentModule],
  controllers: [
    CryptocurrenciesCompatibilityController,
    PriceHistoryCompatibilityController,
    IngestionCompatibilityController,
    SentimentCompatibilityController,
  ],
  providers: [PriceWindowsService],
})
export class CompatibilityModule {}
