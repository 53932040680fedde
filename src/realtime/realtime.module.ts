import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';
import { CryptocurrenciesModule } from '../cryptocurrencies/cryptocurrencies.module';
import { CurrenciesModule } from '../currencies/currencies.module';
import { PriceHistoryModule } from '../price-history/price-history.module';
import { KnownSymbolsService } from './known-symbols.service';
import { LiveCandlesService } from './live-candles.service';
import { PriceStreamService } from './price-stream.service';
import { PricesGateway } from './prices.gateway';
import { RealtimeAuthService } from './realtime-auth.service';
import { RealtimeFanoutService } from './realtime-fanout.service';
import { RealtimeQuotesService } from './realtime-quotes.service';
import { RecoverySessionsService } from './recovery-sessions.service';
import { SequenceStore } from './sequence.store';
import { SubscriptionsService } from './subscriptions.service';
import { TestPageController } from './test-page.controller';
import { WatchedTimeframesService } from './watched-timeframes.service';
import { WsBridgeService } from './ws-bridge.service';
import { WsClientRegistry } from './ws-client-registry';
import { WsProtocolService } from './ws-protocol.service';
import { WS_THROTTLER } from './ws-throttler.guard';

/**
 * Live prices and candles over Socket.IO (PricesGateway) and plain WebSocket (/ws bridge),
 * fed from the price bus, plus the /ws/test page. The Socket.IO server itself is set up by
 * RealtimeIoAdapter (app.setup.ts).
 */
@Module({
  imports: [
    CryptocurrenciesModule,
    CurrenciesModule,
    PriceHistoryModule,
    // Message counters live with the connection, on its instance: in-memory storage.
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        throttlers: [{ name: WS_THROTTLER, ttl: 1_000, limit: config.realtime.messagesPerSecond }],
        setHeaders: false,
      }),
    }),
  ],
  controllers: [TestPageController],
  providers: [
    PricesGateway,
    PriceStreamService,
    LiveCandlesService,
    RealtimeFanoutService,
    WsBridgeService,
    WsClientRegistry,
    WsProtocolService,
    SubscriptionsService,
    KnownSymbolsService,
    SequenceStore,
    RealtimeAuthService,
    RecoverySessionsService,
    RealtimeQuotesService,
    WatchedTimeframesService,
  ],
})
export class RealtimeModule {}
