import { Injectable } from '@nestjs/common';
import { toNumberOrNull } from '../common/dto/numbers';
import { AppException } from '../common/errors/app.exception';
import { mapRows, type CsvExport } from '../common/http/csv';
import { AppConfig } from '../config/app-config';
import { CryptocurrenciesService } from '../cryptocurrencies/cryptocurrencies.service';
import type { AssetEntity } from '../cryptocurrencies/entities/asset.entity';
import { convert } from '../currencies/conversion';
import { QuoteConverter } from '../currencies/quote-converter';
import type { HistoryDto, HistoryQuery } from './dto/history.dto';
import type { LatestPriceDto } from './dto/latest-price.dto';
import { CandlesRepository } from './candles.repository';
import { snapshotPages } from './export-pages';
import { LatestPriceStore, type LatestPrice } from './latest-price.store';
import { PriceSnapshotsRepository } from './price-snapshots.repository';

const MINUTE_MS = 60_000;

export const HISTORY_CSV_HEADER = [
  'timestamp',
  'timestamp_ms',
  'price',
  'market_cap',
  'total_volume',
  'source',
  'is_anomaly',
] as const;

@Injectable()
export class PriceHistoryService {
  constructor(
    private readonly cryptocurrencies: CryptocurrenciesService,
    private readonly snapshots: PriceSnapshotsRepository,
    private readonly candles: CandlesRepository,
    private readonly latestPrices: LatestPriceStore,
    private readonly config: AppConfig,
    private readonly quotes: QuoteConverter,
  ) {}

  async history(symbol: string, query: HistoryQuery): Promise<HistoryDto> {
    assertOrdered('start_date', query.start_date, 'end_date', query.end_date);
    const { currency, rates } = await this.quotes.quote(query.vs_currency);
    const asset = await this.cryptocurrencies.require(symbol);
    const { rows, total } = await this.snapshots.findHistory(asset.id, {
      from: query.start_date,
      to: query.end_date,
      source: query.source,
      limit: query.limit ?? 100,
      order: query.order ?? 'desc',
    });
    return {
      symbol,
      vs_currency: currency.code,
      items: rows.map((row) => {
        const timestamp = new Date(row.timestamp);
        const rate = rates.instant(timestamp.getTime());
        return {
          price: convert(row.price, rate),
          market_cap: convert(row.market_cap, rate),
          total_volume: convert(row.total_volume, rate),
          timestamp: timestamp.toISOString(),
          source: row.source,
          is_anomaly: row.is_anomaly,
        };
      }),
      total,
    };
  }

  /**
   * The snapshots of /history as CSV, read as they are written. With `start_date` and no
   * `limit` the file covers the whole range (up to `end_date` when given), however many
   * snapshots that is; otherwise the ones the JSON answer lists.
   */
  async historyCsv(symbol: string, query: HistoryQuery): Promise<CsvExport> {
    assertOrdered('start_date', query.start_date, 'end_date', query.end_date);
    const { currency, rates } = await this.quotes.quote(query.vs_currency);
    const asset = await this.cryptocurrencies.require(symbol);
    const money = (value: string | null, time: number) =>
      rates.isIdentity ? value : (convert(value, rates.instant(time)) ?? '');
    const wholeRange = query.start_date !== undefined && query.limit === undefined;
    const rows = snapshotPages(
      this.snapshots,
      asset.id,
      {
        from: query.start_date,
        to: query.end_date,
        source: query.source,
        order: query.order ?? 'desc',
      },
      wholeRange ? Infinity : (query.limit ?? 100),
    );
    return {
      filename: `${symbol}-history${currency.code === 'usd' ? '' : `-${currency.code}`}.csv`,
      header: HISTORY_CSV_HEADER,
      rows: mapRows(rows, (row) => {
        const timestamp = new Date(row.timestamp);
        return [
          timestamp.toISOString(),
          timestamp.getTime(),
          money(row.price, timestamp.getTime()),
          money(row.market_cap, timestamp.getTime()),
          money(row.total_volume, timestamp.getTime()),
          row.source,
          row.is_anomaly,
        ];
      }),
    };
  }

  /**
   * The latest price: from Redis (or memory), written on ingestion; when that is missing
   * or unreachable, the newest of what PostgreSQL holds for the asset.
   */
  async latestPrice(symbol: string, vsCurrency?: string): Promise<LatestPriceDto> {
    const { currency, rates } = await this.quotes.quote(vsCurrency);
    const latest = (await this.latestPrices.get(symbol)) ?? (await this.latestFromDatabase(symbol));
    const ageMs = Math.max(0, Date.now() - latest.timestamp);
    return {
      symbol,
      vs_currency: currency.code,
      price: convert(latest.price, rates.instant(latest.timestamp)),
      timestamp: latest.timestamp,
      source: latest.source,
      as_of: new Date(latest.timestamp).toISOString(),
      age_ms: ageMs,
      stale: ageMs > this.config.marketData.priceStaleSeconds * 1_000,
    };
  }

  private async latestFromDatabase(symbol: string): Promise<LatestPrice> {
    const asset = await this.cryptocurrencies.require(symbol);
    const [snapshot, candle] = await Promise.all([
      this.snapshots.findLatest(asset.id),
      this.candles.findLatest(asset.id),
    ]);
    const candidates: LatestPrice[] = [];
    const fromAsset = assetPrice(asset);
    if (fromAsset) candidates.push(fromAsset);
    if (snapshot) {
      candidates.push({
        symbol,
        price: Number(snapshot.price),
        timestamp: new Date(snapshot.timestamp).getTime(),
        source: snapshot.source,
      });
    }
    if (candle) {
      // A candle's close is its price at the end of its minute (or now, while it is open).
      const end = Math.min(new Date(candle.open_time).getTime() + MINUTE_MS, Date.now());
      candidates.push({
        symbol,
        price: Number(candle.close),
        timestamp: end,
        source: candle.source,
      });
    }
    const newest = candidates.sort((a, b) => b.timestamp - a.timestamp)[0];
    if (!newest) throw AppException.notFound(`No price for symbol '${symbol}' yet`);
    return newest;
  }
}

function assetPrice(asset: AssetEntity): LatestPrice | null {
  const price = toNumberOrNull(asset.currentPrice);
  if (price === null || !asset.lastUpdated) return null;
  return {
    symbol: asset.symbol,
    price,
    timestamp: asset.lastUpdated.getTime(),
    source: asset.source,
  };
}

/** A 400 naming the start field when a range's start is after its end. */
export function assertOrdered(
  startName: string,
  start: Date | undefined,
  endName: string,
  end: Date | undefined,
): void {
  if (start && end && start > end) {
    throw AppException.validation([
      { field: startName, message: `${startName} must not be after ${endName}` },
    ]);
  }
}
