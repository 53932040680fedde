import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AssetEntity } from '../cryptocurrencies/entities/asset.entity';
import { CurrenciesModule } from '../currencies/currencies.module';
import { PriceHistoryModule } from '../price-history/price-history.module';
import { ChartsV3Service } from './charts-v3.service';
import { CoinGeckoV3Repository } from './coingecko-v3.repository';
import { CoinsV3Controller } from './coins-v3.controller';
import { CoinsV3Service } from './coins-v3.service';
import { SimpleV3Controller } from './simple-v3.controller';
import { SimpleV3Service } from './simple-v3.service';

/**
 * CoinGecko API v3 under /api/v3: its parameters, units, shapes and error bodies, over the
 * same data, conversion and cache as /api/v1, so CoinGecko clients change only their base URL.
 */
@Module({
  imports: [TypeOrmModule.forFeature([AssetEntity]), CurrenciesModule, PriceHistoryModule],
  controllers: [SimpleV3Controller, CoinsV3Controller],
  providers: [CoinGeckoV3Repository, CoinsV3Service, SimpleV3Service, ChartsV3Service],
})
export class CoinGeckoV3Module {}
