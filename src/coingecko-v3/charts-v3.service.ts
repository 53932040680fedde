import { Injectable } from '@nestjs/common';
import { AppException } from '../common/errors/app.exception';
import type { AssetEntity } from '../cryptocurrencies/entities/asset.entity';
import { CandlesRepository } from '../price-history/candles.repository';
import type { OhlcCandleDto } from '../price-history/dto/ohlc.dto';
import { OhlcService } from '../price-history/ohlc.service';
import { TIMEFRAME_MS, type Timeframe } from '../price-history/timeframe';
import { CoinsV3Service } from './coins-v3.service';
import type { MarketChartQuery, MarketChartRangeQuery, OhlcQueryV3 } from './dto/v3-queries';
import type { MarketChartDto } from './dto/v3-responses';
import { rounder } from './v3.mapper';

const DAY = 86_400_000;
/** CoinGecko's /ohlc candle for 31 days and more: four days. */
const FOUR_DAYS = 4 * DAY;

type Point = (number | null)[];

/**
 * `/coins/{id}/ohlc` and `/market_chart(/range)` over the service's candles, in CoinGecko's
 * automatic granularity (docs.coingecko.com): OHLC 30 minutes up to 2 days, 4 hours up to 30,
 * 4 days beyond; charts 5-minutely for 1 day, hourly up to 90 days, daily beyond. Every point
 * is stamped with the close time of its bucket (the current one: now), in the quote currency
 * at its own day's rate, null where there is none.
 */
@Injectable()
export class ChartsV3Service {
  constructor(
    private readonly coins: CoinsV3Service,
    private readonly ohlcService: OhlcService,
    private readonly candles: CandlesRepository,
  ) {}

  async ohlc(id: string, query: OhlcQueryV3): Promise<Point[]> {
    const asset = await this.coins.require(id);
    const now = Date.now();
    const from =
      query.days === 'max' ? await this.firstDay(asset, now) : now - Number(query.days) * DAY;
    const days = (now - from) / DAY;
    const timeframe: Timeframe =
      query.interval === 'daily'
        ? '1d'
        : query.interval === 'hourly'
          ? '1h'
          : days <= 2
            ? '30m'
            : days <= 30
              ? '4h'
              : '1d';
    let candles = await this.series(asset, timeframe, from, now, query.vs_currency);
    let width = TIMEFRAME_MS[timeframe];
    if (timeframe === '1d' && !query.interval && days > 30) {
      candles = fourDays(candles);
      width = FOUR_DAYS;
    }
    const round = rounder(query.precision);
    return candles.map((c) => [
      Math.min(c.timestamp + width, now),
      round(c.open),
      round(c.high),
      round(c.low),
      round(c.close),
    ]);
  }

  async marketChart(id: string, query: MarketChartQuery): Promise<MarketChartDto> {
    const asset = await this.coins.require(id);
    const now = Date.now();
    const from =
      query.days === 'max' ? await this.firstDay(asset, now) : now - Number(query.days) * DAY;
    return this.chart(asset, from, now, query);
  }

  async marketChartRange(id: string, query: MarketChartRangeQuery): Promise<MarketChartDto> {
    if (query.from > query.to) {
      throw AppException.validation([{ field: 'from', message: 'from must not be after to' }]);
    }
    const asset = await this.coins.require(id);
    return this.chart(asset, query.from.getTime(), Math.min(query.to.getTime(), Date.now()), query);
  }

  private async chart(
    asset: AssetEntity,
    from: number,
    to: number,
    query: { vs_currency: string; interval?: '5m' | 'hourly' | 'daily'; precision?: string },
  ): Promise<MarketChartDto> {
    const span = to - from;
    const timeframe: Timeframe =
      query.interval === 'daily'
        ? '1d'
        : query.interval === 'hourly'
          ? '1h'
          : query.interval === '5m' || span <= DAY
            ? '5m'
            : span <= 90 * DAY
              ? '1h'
              : '1d';
    const width = TIMEFRAME_MS[timeframe];
    // A day more in front, for the trailing 24 h volume of the first points.
    const candles = await this.series(asset, timeframe, from - DAY, to, query.vs_currency);
    const round = rounder(query.precision);
    const supply = supplyOf(asset);
    const chart: MarketChartDto = { prices: [], market_caps: [], total_volumes: [] };
    const window: { time: number; value: number }[] = [];
    let rolling = 0;
    for (const c of candles) {
      const value = c.close === null ? 0 : c.close * c.volume;
      window.push({ time: c.timestamp, value });
      rolling += value;
      while (window[0].time <= c.timestamp - DAY) rolling -= window.shift()!.value;
      if (c.timestamp + width <= from) continue;
      const time = Math.min(c.timestamp + width, to);
      chart.prices.push([time, round(c.close)]);
      chart.market_caps.push([time, c.close === null || supply === null ? null : c.close * supply]);
      chart.total_volumes.push([time, c.close === null ? null : rolling]);
    }
    return chart;
  }

  /** The stored buckets of [from, to), oldest first, in the quote currency. */
  private async series(
    asset: AssetEntity,
    timeframe: Timeframe,
    from: number,
    to: number,
    vsCurrency: string,
  ): Promise<OhlcCandleDto[]> {
    const width = TIMEFRAME_MS[timeframe];
    const { candles } = await this.ohlcService.series(asset.symbol, timeframe, {
      start: new Date(Math.max(0, from)),
      end: new Date(to),
      limit: Math.ceil((to - from) / width) + 1,
      vs_currency: vsCurrency,
    });
    return candles;
  }

  /** `days=max`: from the coin's first daily candle (or a day ago without any). */
  private async firstDay(asset: AssetEntity, now: number): Promise<number> {
    const first = await this.candles.firstOpenTime(
      asset.id,
      null,
      '1d',
      new Date(0),
      new Date(now),
    );
    return first ? first.getTime() : now - DAY;
  }
}

/** Circulating supply, else what the current market cap and price imply, else unknown. */
function supplyOf(asset: AssetEntity): number | null {
  if (asset.circulatingSupply !== null) return Number(asset.circulatingSupply);
  const cap = Number(asset.marketCap);
  const price = Number(asset.currentPrice);
  return asset.marketCap !== null && asset.currentPrice !== null && price > 0 ? cap / price : null;
}

/** Daily candles as four-day candles (aligned on the Unix epoch); any day without a price voids its candle's. */
function fourDays(days: OhlcCandleDto[]): OhlcCandleDto[] {
  const buckets = new Map<number, OhlcCandleDto[]>();
  for (const day of days) {
    const start = Math.floor(day.timestamp / FOUR_DAYS) * FOUR_DAYS;
    buckets.set(start, [...(buckets.get(start) ?? []), day]);
  }
  return [...buckets.entries()].map(([timestamp, group]) => {
    const priced = group.every((d) => d.close !== null);
    return {
      timestamp,
      open: priced ? group[0].open : null,
      high: priced ? Math.max(...group.map((d) => d.high!)) : null,
      low: priced ? Math.min(...group.map((d) => d.low!)) : null,
      close: priced ? group[group.length - 1].close : null,
      volume: group.reduce((sum, d) => sum + d.volume, 0),
      trade_count: group.reduce((sum, d) => sum + d.trade_count, 0),
      is_closed: group.every((d) => d.is_closed),
    };
  });
}
