import { Module } from '@nestjs/common';
import { CryptocurrenciesModule } from '../cryptocurrencies/cryptocurrencies.module';
import { HealthModule } from '../health/health.module';
import { IngestionModule } from '../ingestion/ingestion.module';
import { PriceHistoryModule } from '../price-history/price-history.module';
import { DashboardDataController } from './dashboard-data.controller';
import { DashboardController } from './dashboard.controller';
import { OpsAccessGuard } from './ops-access.guard';
import { OpsService } from './ops.service';
import { SparklinesService } from './sparklines.service';

/**
 * The dashboard (docs/dashboard.md): market, asset and operations pages served by the
 * service, live through the same Socket.IO protocol as any client.
 */
@Module({
  imports: [CryptocurrenciesModule, PriceHistoryModule, HealthModule, IngestionModule],
  controllers: [DashboardController, DashboardDataController],
  providers: [SparklinesService, OpsService, OpsAccessGuard],
})
export class DashboardModule {}
