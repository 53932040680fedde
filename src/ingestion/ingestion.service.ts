import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CacheVersionsService } from '../common/cache/cache-versions.service';
import { AppException } from '../common/errors/app.exception';
import { ErrorCode } from '../common/errors/error-code';
import { OutageLog, nextAttemptAt } from '../common/logging/outage-log';
import { AppConfig } from '../config/app-config';
import type { ProviderName } from '../config/environment';
import { AssetsRepository } from '../cryptocurrencies/assets.repository';
import { LatestPriceStore } from '../price-history/latest-price.store';
import { PriceBus, type PriceUpdated } from '../price-history/price-bus';
import { PriceSnapshotsRepository } from '../price-history/price-snapshots.repository';
import type { IngestionRunEntity, RunTrigger } from './entities/ingestion-run.entity';
import { classifyRunFailure } from './run-failure';
import { IngestionRepository } from './ingestion.repository';
import { detectAnomalies } from './anomaly-detector';
import {
  MARKET_DATA_PROVIDERS,
  type MarketDataProvider,
  type NormalisedBatch,
} from './providers/market-data-provider';

/** A whole fetch (all pages, retries included) never takes longer than this. */
const RUN_TIMEOUT_MS = 120_000;
const MAX_REJECTIONS_KEPT = 100;
/** Other sources' prices count for the comparison while this recent. */
const OTHER_SOURCES_WINDOW_MS = 3_600_000;

/**
 * The ingestion pipeline for one source: fetch (each request bounded by PROVIDER_TIMEOUT_MS) → store the raw payload →
 * normalise (bad records rejected and counted) → write assets, snapshots and the checkpoint
 * in one transaction → after commit, refresh the latest prices, invalidate the cache and
 * publish the trusted prices on the price bus.
 * Every run is recorded, whatever its outcome.
 */
@Injectable()
export class IngestionService {
  private readonly logger = new Logger(IngestionService.name);
  private readonly outages = new Map<string, OutageLog>();

  constructor(
    @Inject(MARKET_DATA_PROVIDERS) private readonly providers: MarketDataProvider[],
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly runs: IngestionRepository,
    private readonly assets: AssetsRepository,
    private readonly snapshots: PriceSnapshotsRepository,
    private readonly latestPrices: LatestPriceStore,
    private readonly cacheVersions: CacheVersionsService,
    private readonly priceBus: PriceBus,
  ) {}

  /** Enabled sources (INGESTION_PROVIDERS, in priority order) that this build implements. */
  enabledProviders(): MarketDataProvider[] {
    return this.config.ingestion.providers.flatMap((name) =>
      this.providers.filter((p) => p.name === name),
    );
  }

  provider(name: string): MarketDataProvider {
    const provider = this.enabledProviders().find((p) => p.name === name);
    if (!provider) {
      const enabled = this.enabledProviders().map((p) => p.name);
      throw new AppException(
        ErrorCode.ValidationFailed,
        `Unknown or disabled provider '${name}'. Enabled: ${enabled.join(', ') || 'none'}`,
        {
          errors: [
            { field: 'provider', message: `provider must be one of: ${enabled.join(', ')}` },
          ],
        },
      );
    }
    return provider;
  }

  async run(name: ProviderName, trigger: RunTrigger, limit?: number): Promise<IngestionRunEntity> {
    return this.execute(await this.begin(name, trigger), limit);
  }

  /** Records the start of a run (the id callers can poll while it executes). */
  begin(name: ProviderName, trigger: RunTrigger, job?: string): Promise<IngestionRunEntity> {
    return this.runs.startRun(this.provider(name).name, trigger, job ? { job } : {});
  }

  async execute(run: IngestionRunEntity, limit?: number): Promise<IngestionRunEntity> {
    const provider = this.provider(run.source);
    const unavailable = provider.unavailableReason();
    if (unavailable) return this.runs.finishRun(run, { status: 'skipped', error: unavailable });
    try {
      const fetched = await provider.fetch(AbortSignal.timeout(RUN_TIMEOUT_MS), limit);
      await this.runs.storeRawPayload(
        provider.name,
        fetched.fetchedAt,
        fetched.payload,
        run.id,
        fetched.text,
      );
      const batch = provider.normalise(fetched);

      const written = await this.dataSource.transaction(async (manager) => {
        const anomalies = await this.findAnomalies(batch, provider.name, manager);
        const assets = await this.assets.upsert(
          batch.assets.filter((a) => !anomalies.has(a.symbol)),
          manager,
          this.config.ingestion.providers,
        );
        const ids = await this.assets.findIdsBySymbols(
          batch.snapshots.map((s) => s.symbol),
          manager,
        );
        const snapshotsCreated = await this.snapshots.insert(
          batch.snapshots.map((s) => ({
            assetId: ids.get(s.symbol)!,
            timestamp: s.timestamp,
            source: provider.name,
            price: s.price,
            marketCap: s.marketCap,
            totalVolume: s.totalVolume,
            anomaly: anomalies.get(s.symbol) ?? null,
          })),
          manager,
        );
        await this.runs.saveCheckpoint(manager, provider.name, '', {
          last_run_id: run.id,
          fetched_at: fetched.fetchedAt.toISOString(),
          records: batch.assets.length,
        });
        return { assets, snapshotsCreated, anomalies };
      });

      // Anomalous prices are stored (flagged) but never become the current or latest price.
      const assetsBySymbol = new Map(batch.assets.map((a) => [a.symbol, a]));
      const trusted: PriceUpdated[] = batch.snapshots
        .filter((s) => !written.anomalies.has(s.symbol))
        .map((s) => ({
          symbol: s.symbol,
          price: s.price,
          change24h: assetsBySymbol.get(s.symbol)?.priceChangePercentage24h ?? null,
          volume24h: s.totalVolume,
          timestamp: s.timestamp.getTime(),
          source: provider.name,
        }));
      await this.latestPrices.set(trusted);
      await this.cacheVersions.invalidateSymbols(trusted.map((s) => s.symbol));
      this.priceBus.publishPrices(trusted);
      this.outageOf(provider.name).recovered();

      return this.runs.finishRun(run, {
        status:
          batch.rejected.length > 0 || batch.drift.length > 0 || written.anomalies.size > 0
            ? 'partial'
            : 'success',
        fetchedCount: batch.assets.length + batch.rejected.length,
        createdCount: written.assets.created,
        updatedCount: written.assets.updated,
        skippedCount: batch.rejected.length,
        driftCount: batch.drift.length,
        anomalyCount: written.anomalies.size,
        details: {
          anomalies: [...written.anomalies].map(([symbol, reason]) => ({ symbol, reason })),
          snapshots_created: written.snapshotsCreated,
          unchanged: written.assets.unchanged,
          rejected: batch.rejected.slice(0, MAX_REJECTIONS_KEPT),
          drift: batch.drift,
        },
      });
    } catch (error) {
      const failure = classifyRunFailure(error);
      if (failure.kind === 'database') {
        this.logger.warn(`${provider.name} ingestion failed: ${failure.detail}`);
      } else if (failure.kind === 'internal') {
        this.logger.error(`${provider.name} run ${run.id} failed: ${failure.detail}`);
      } else {
        this.outageOf(provider.name).failed(failure.detail, this.retryOf(provider.name));
      }
      // Nothing of the batch was written: its transaction rolled back with the checkpoint.
      return this.runs.finishRun(run, {
        status: 'failed',
        error: failure.publicMessage,
        details: { error_kind: failure.kind },
      });
    }
  }

  private outageOf(source: string): OutageLog {
    let outage = this.outages.get(source);
    if (!outage) this.outages.set(source, (outage = new OutageLog(this.logger, source)));
    return outage;
  }

  /** When a failed source is tried again: its next scheduled listing sync, if any. */
  private retryOf(source: string): string {
    const { schedule, top50IntervalMs: width } = this.config.ingestion;
    if (!schedule || source === 'csv') return 'not retried until the next sync is asked for';
    return nextAttemptAt(Math.floor(Date.now() / width) * width + width);
  }

  /** Prices of this batch that jumped or disagree with other sources (per symbol, why). */
  private async findAnomalies(
    batch: NormalisedBatch,
    source: string,
    manager: EntityManager,
  ): Promise<Map<string, string>> {
    const ids = await this.assets.findIdsBySymbols(
      batch.snapshots.map((s) => s.symbol),
      manager,
    );
    if (ids.size === 0) return new Map();
    const known = [...ids.values()];
    const since = new Date(Date.now() - OTHER_SOURCES_WINDOW_MS);
    const [previous, others] = await Promise.all([
      this.snapshots.previousPrices(known, source, manager),
      this.snapshots.otherSourcesPrices(known, source, since, manager),
    ]);
    const bySymbol = <T>(byId: Map<number, T>) =>
      new Map(
        [...ids].flatMap(([symbol, id]) =>
          byId.has(id) ? [[symbol, byId.get(id)!] as const] : [],
        ),
      );
    return detectAnomalies(
      new Map(batch.snapshots.map((s) => [s.symbol, s.price])),
      bySymbol(previous),
      bySymbol(others),
      this.config.ingestion.anomalyThresholdPercent,
    );
  }
}
