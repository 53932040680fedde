import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { AssetsRepository } from '../../cryptocurrencies/assets.repository';
import { AdvisoryLockService } from '../../database/advisory-lock.service';
import { LatestPriceStore } from '../../price-history/latest-price.store';
import { LiveFeedFactory, type LiveFeed } from './live-feed';

export const SIMULATOR_SOURCE = 'simulator';
const TICK_MS = 100;
/** Per-trade volatility of the random walk (log returns): lively but plausible. */
const SIGMA = 0.00015;
/** Where a symbol starts when nothing is known of it (demo only). */
const FALLBACK_PRICE = 100;
const STARTING_PRICE_WAIT_MS = 3_000;

/** A standard normal draw (Box–Muller). */
function gaussian(): number {
  const u = 1 - Math.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * Math.random());
}

/**
 * MARKET_SIMULATOR=true: a random-walk trade stream for SIMULATOR_SYMBOLS, fed through the
 * same aggregation path as the Binance stream (rows tagged `source: "simulator"`), so the
 * service shows live prices and candles without network access. Walks start from the
 * latest known price. With several instances, one runs it (advisory lock).
 */
@Injectable()
export class MarketSimulatorService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MarketSimulatorService.name);
  private duty?: { stop(): Promise<void> };
  /** Whether this instance is the one simulating. */
  running = false;

  constructor(
    private readonly config: AppConfig,
    private readonly feeds: LiveFeedFactory,
    private readonly locks: AdvisoryLockService,
    private readonly latestPrices: LatestPriceStore,
    private readonly assets: AssetsRepository,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.ingestion.simulator.enabled) return;
    this.duty = this.locks.lead('ingestion:simulator', () => this.run());
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.duty?.stop();
  }

  private async run(): Promise<() => Promise<void>> {
    const { symbols, tradesPerSecond } = this.config.ingestion.simulator;
    const prices = await this.startingPrices(symbols);
    const feed = this.feeds.create(SIMULATOR_SOURCE);
    feed.start();
    const perTick = (tradesPerSecond * TICK_MS) / 1_000;
    const timer = setInterval(() => this.tick(feed, prices, perTick), TICK_MS);
    this.running = true;
    this.logger.log(`simulating ${symbols.join(', ')} at ${tradesPerSecond} trades/s each`);
    return async () => {
      this.running = false;
      clearInterval(timer);
      await feed.stop();
    };
  }

  private tick(feed: LiveFeed, prices: Map<string, number>, perTick: number): void {
    const now = Date.now();
    for (const [symbol, last] of prices) {
      // A fractional rate becomes whole trades on average.
      const count = Math.floor(perTick) + (Math.random() < perTick % 1 ? 1 : 0);
      let price = last;
      for (let i = 0; i < count; i++) {
        price = price * Math.exp(SIGMA * gaussian());
        const quantity = (-Math.log(1 - Math.random()) * 5_000) / price;
        feed.addTrade({ symbol, price: Number(price.toPrecision(10)), quantity, time: now });
      }
      prices.set(symbol, price);
    }
  }

  /**
   * The latest known price of each symbol. A fresh demo database is being filled by the
   * startup import while this starts, so unknown symbols are looked up again for a moment
   * before they start from a placeholder.
   */
  private async startingPrices(symbols: readonly string[]): Promise<Map<string, number>> {
    const prices = new Map<string, number>();
    const deadline = Date.now() + STARTING_PRICE_WAIT_MS;
    for (;;) {
      for (const symbol of symbols.filter((s) => !prices.has(s))) {
        const known = await this.knownPrice(symbol).catch(() => null);
        if (known !== null) prices.set(symbol, known);
      }
      if (prices.size === symbols.length || Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    for (const symbol of symbols) if (!prices.has(symbol)) prices.set(symbol, FALLBACK_PRICE);
    return prices;
  }

  private async knownPrice(symbol: string): Promise<number | null> {
    const latest = await this.latestPrices.get(symbol);
    if (latest) return latest.price;
    const stored = Number((await this.assets.findBySymbol(symbol))?.currentPrice ?? NaN);
    return stored > 0 ? stored : null;
  }
}
