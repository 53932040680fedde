import { Module } from '@nestjs/common';
import { CryptocurrenciesModule } from '../cryptocurrencies/cryptocurrencies.module';
import { PriceHistoryModule } from '../price-history/price-history.module';
import { DashboardDataController } from './dashboard-data.controller';
import { DashboardController } from './dashboard.controller';
import { SparklinesService } from './sparklines.service';

/**
 * The dashboard (docs/dashboard.md): market, asset and operations pages served by the
 * service, live through the same Socket.IO protocol as any client.
 */
@Module({
  imports: [CryptocurrenciesModule, PriceHistoryModule],
  controllers: [DashboardController, DashboardDataController],
  providers: [SparklinesService],
})
export class DashboardModule {}
