import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AssetLiveValuesRepository } from './asset-live-values.repository';
import { AssetsRepository } from './assets.repository';
import { CryptocurrenciesController } from './cryptocurrencies.controller';
import { CryptocurrenciesService } from './cryptocurrencies.service';
import { AssetEntity } from './entities/asset.entity';
import { CurrenciesModule } from '../currencies/currencies.module';

@Module({
  imports: [TypeOrmModule.forFeature([AssetEntity]), CurrenciesModule],
  controllers: [CryptocurrenciesController],
  providers: [CryptocurrenciesService, AssetsRepository, AssetLiveValuesRepository],
  exports: [CryptocurrenciesService, AssetsRepository, AssetLiveValuesRepository],
})
export class CryptocurrenciesModule {}
