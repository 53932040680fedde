import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { AssetsRepository } from '../../cryptocurrencies/assets.repository';
import { asynchronousCommit } from '../../database/asynchronous-commit';
import { CandlesRepository } from '../../price-history/candles.repository';
import { MarketDataPublisher } from '../../price-history/market-data.publisher';
import { PriceSnapshotsRepository } from '../../price-history/price-snapshots.repository';
import type { IngestionRunEntity, RunTrigger } from '../entities/ingestion-run.entity';
import { IngestionRepository } from '../ingestion.repository';
import { BinanceProvider } from '../providers/binance.provider';
import { CoinGeckoProvider } from '../providers/coingecko.provider';
import type { RejectedRecord } from '../providers/market-data-provider';
import { candleProblem, numberProblem, timeProblem, MAX_AMOUNT } from '../providers/record-checks';
import { RunFailureKind, classifyRunFailure } from '../run-failure';

const DAY = 86_400_000;
export const MARKET_CHART_JOB = 'market-chart';
const SLICE_TIMEOUT_MS = 50_000;

export const marketChartCheckpointKey = (coingeckoId: string) => `market-chart:${coingeckoId}`;

interface ChartDay {
  time: number;
  price: number;
  marketCap: number | null;
  volume: number | null;
}

/**
 * CoinGecko daily history of the best-ranked listed coins Binance does not track
 * (COINGECKO_HISTORY_COINS): `/coins/{id}/market_chart?interval=daily` as daily price
 * snapshots (price, market cap, volume; /history) and daily candles of source `coingecko`
 * (one price a day, so flat: open = high = low = close; ranked below exchange data). Each coin
 * has a checkpoint (the last day stored) written with its data; a first chart reaches back
 * COINGECKO_HISTORY_DAYS, later ones only the days since. Slices of at most
 * COINGECKO_HISTORY_CALLS_PER_MINUTE calls, through the provider's own call budget.
 */
@Injectable()
export class CoinGeckoHistoryService {
  private readonly logger = new Logger(CoinGeckoHistoryService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly coingecko: CoinGeckoProvider,
    private readonly binance: BinanceProvider,
    private readonly dataSource: DataSource,
    private readonly runs: IngestionRepository,
    private readonly assets: AssetsRepository,
    private readonly snapshots: PriceSnapshotsRepository,
    private readonly candles: CandlesRepository,
    private readonly publisher: MarketDataPublisher,
  ) {}

  /** Coins whose chart misses a closed day, with how many days to ask for. */
  async pending(now = Date.now()) {
    const { coins, days } = this.config.ingestion.coingecko.history;
    if (coins === 0) return [];
    const today = Math.floor(now / DAY) * DAY;
    const tracked = this.config.ingestion.providers.includes('binance') ? this.binance.symbols : [];
    const due: { assetId: number; symbol: string; coingeckoId: string; days: number }[] = [];
    for (const coin of await this.assets.findCoinGeckoIds(tracked, coins)) {
      const cursor = (
        await this.runs.findCheckpoint(
          this.coingecko.name,
          marketChartCheckpointKey(coin.coingeckoId),
        )
      )?.cursor;
      const last = Number(cursor?.last_day);
      // Due once yesterday's point is missing (today's midnight point, when CoinGecko already
      // has it, is kept too; its absence never makes a coin due again the same day).
      if (Number.isFinite(last) && last >= today - DAY) continue;
      const span = Number.isFinite(last) ? Math.ceil((today - last) / DAY) + 1 : days;
      due.push({
        assetId: coin.id,
        symbol: coin.symbol,
        coingeckoId: coin.coingeckoId,
        days: Math.min(span, days),
      });
    }
    return due;
  }

  /** One slice; null when no coin was due (no run recorded). */
  async runSlice(trigger: RunTrigger, now = Date.now()): Promise<IngestionRunEntity | null> {
    const due = (await this.pending(now)).slice(
      0,
      this.config.ingestion.coingecko.history.callsPerMinute,
    );
    if (due.length === 0) return null;
    const run = await this.runs.startRun(this.coingecko.name, trigger, { job: MARKET_CHART_JOB });
    const signal = AbortSignal.timeout(SLICE_TIMEOUT_MS);
    let fetched = 0;
    let created = 0;
    const rejected: RejectedRecord[] = [];
    const errors: string[] = [];
    const through: Record<string, string> = {};
    for (const coin of due) {
      try {
        const chart = await this.coingecko.fetchMarketChart(coin.coingeckoId, coin.days, signal);
        await this.runs.storeRawPayload(
          this.coingecko.name,
          new Date(),
          chart.body,
          run.id,
          chart.text,
        );
        const days = this.chartDays(coin.coingeckoId, chart.body, rejected);
        fetched += days.length;
        if (days.length === 0) continue;
        created += await this.store(coin, days);
        through[coin.symbol] = new Date(days[days.length - 1].time).toISOString();
      } catch (error) {
        const failure = classifyRunFailure(error);
        errors.push(`${coin.coingeckoId}: ${failure.publicMessage}`);
        if (failure.kind === RunFailureKind.Internal)
          this.logger.error(`${coin.coingeckoId} chart: ${failure.detail}`);
        if (failure.kind === RunFailureKind.CircuitOpen || failure.kind === RunFailureKind.Database)
          break;
      }
    }
    return this.runs.finishRun(run, {
      status:
        errors.length === due.length
          ? 'failed'
          : errors.length > 0 || rejected.length > 0
            ? 'partial'
            : 'success',
      fetchedCount: fetched + rejected.length,
      createdCount: created,
      skippedCount: rejected.length,
      driftCount: rejected.filter((r) => r.reason.startsWith('schema drift')).length,
      error: errors.length > 0 ? errors.join('; ') : null,
      details: { job: MARKET_CHART_JOB, through, rejected: rejected.slice(0, 100) },
    });
  }

  /**
   * The chart's whole days (points at midnight UTC; the trailing point of "now" is not a day),
   * each checked; a point that is not `[ms, number]` is schema drift.
   */
  private chartDays(id: string, body: unknown, rejected: RejectedRecord[]): ChartDay[] {
    const chart = body as { prices?: unknown; market_caps?: unknown; total_volumes?: unknown };
    if (!chart || !Array.isArray(chart.prices)) {
      throw new Error(`CoinGecko GET /coins/${id}/market_chart: expected a "prices" list`);
    }
    const valueAt = (list: unknown) => {
      const map = new Map<number, number>();
      if (Array.isArray(list)) {
        for (const point of list as unknown[]) {
          if (
            Array.isArray(point) &&
            typeof point[0] === 'number' &&
            typeof point[1] === 'number'
          ) {
            map.set(point[0], point[1]);
          }
        }
      }
      return map;
    };
    const caps = valueAt(chart.market_caps);
    const volumes = valueAt(chart.total_volumes);
    const receivedAt = Date.now();
    const days = new Map<number, ChartDay>();
    (chart.prices as unknown[]).forEach((point, index) => {
      const at = `${id} price ${index}`;
      if (!Array.isArray(point) || typeof point[0] !== 'number' || typeof point[1] !== 'number') {
        rejected.push({ at, reason: 'schema drift: expected [ms, number]' });
        return;
      }
      const [time, price] = point as [number, number];
      if (time % DAY !== 0) return;
      const problem =
        timeProblem('time', time, receivedAt) ??
        candleProblem(price, price, price, price, 0) ??
        (caps.has(time) ? numberProblem('market_cap', caps.get(time)!, 0, MAX_AMOUNT) : null) ??
        (volumes.has(time)
          ? numberProblem('total_volume', volumes.get(time)!, 0, MAX_AMOUNT)
          : null);
      if (problem) {
        rejected.push({ at, reason: problem });
        return;
      }
      days.set(time, {
        time,
        price,
        marketCap: caps.get(time) ?? null,
        volume: volumes.get(time) ?? null,
      });
    });
    return [...days.values()].sort((a, b) => a.time - b.time);
  }

  /** A coin's snapshots, candles and checkpoint in one transaction; returns rows created. */
  private async store(
    coin: { assetId: number; symbol: string; coingeckoId: string },
    days: ChartDay[],
  ): Promise<number> {
    const source = this.coingecko.name;
    const created = await this.dataSource.transaction(async (manager) => {
      await asynchronousCommit(manager);
      const snapshots = await this.snapshots.insert(
        days.map((d) => ({
          assetId: coin.assetId,
          timestamp: new Date(d.time),
          source,
          price: d.price,
          marketCap: d.marketCap,
          totalVolume: d.volume,
        })),
        manager,
      );
      const candles = await this.candles.upsertDirect(
        '1d',
        days.map((d) => ({
          assetId: coin.assetId,
          openTime: new Date(d.time),
          source,
          open: d.price,
          high: d.price,
          low: d.price,
          close: d.price,
          // CoinGecko's volumes are 24 h USD volumes: base units at the day's price.
          volume: d.volume === null ? 0 : d.volume / d.price,
          quoteVolume: d.volume,
          isClosed: d.time + DAY <= Date.now(),
        })),
        manager,
      );
      await this.runs.saveCheckpoint(manager, source, marketChartCheckpointKey(coin.coingeckoId), {
        last_day: days[days.length - 1].time,
      });
      return snapshots + candles.created;
    });
    await this.publisher.publish({ symbols: [coin.symbol] });
    return created;
  }
}
