import { Injectable } from '@nestjs/common';
import { BollingerBands, EMA, MACD, RSI, SMA } from 'technicalindicators';
import { toNumberOrNull } from '../common/dto/numbers';
import { AppException } from '../common/errors/app.exception';
import { CryptocurrenciesService } from '../cryptocurrencies/cryptocurrencies.service';
import { CandlesRepository, type CandleRow } from './candles.repository';
import type {
  IndicatorName,
  IndicatorPointDto,
  IndicatorsDto,
  IndicatorsQuery,
} from './dto/indicators.dto';
import type { OhlcCandleDto, OhlcDto, OhlcGapDto, OhlcQuery } from './dto/ohlc.dto';
import { INDICATORS } from './dto/indicators.dto';
import { TIMEFRAME_MS, bucketStart, type Timeframe } from './timeframe';

const DEFAULT_LIMIT = 100;

export interface OhlcSeries {
  source: string | null;
  candles: OhlcCandleDto[];
  gaps: OhlcGapDto[];
}

function toCandle(row: CandleRow): OhlcCandleDto {
  return {
    timestamp: new Date(row.open_time).getTime(),
    open: Number(row.open),
    high: Number(row.high),
    low: Number(row.low),
    close: Number(row.close),
    volume: toNumberOrNull(row.volume) ?? 0,
    trade_count: Number(row.trade_count),
    is_closed: row.is_closed,
    source: row.source,
  };
}

@Injectable()
export class OhlcService {
  constructor(
    private readonly cryptocurrencies: CryptocurrenciesService,
    private readonly candles: CandlesRepository,
  ) {}

  async ohlc(symbol: string, query: OhlcQuery): Promise<OhlcDto> {
    const timeframe = query.timeframe ?? '1h';
    const series = await this.series(symbol, timeframe, query);
    return { symbol, timeframe, source: series.source, ohlc: series.candles, gaps: series.gaps };
  }

  /**
   * Up to `limit` buckets: forward from `start` when given, otherwise the newest ones up to
   * `end` (default now). Buckets without data are reported as gaps and, with
   * fill=previous, replaced by flat candles at the previous close.
   */
  async series(
    symbol: string,
    timeframe: Timeframe,
    query: Omit<OhlcQuery, 'timeframe'>,
  ): Promise<OhlcSeries> {
    if (query.start && query.end && query.start > query.end) {
      throw AppException.validation([{ field: 'start', message: 'start must not be after end' }]);
    }
    const asset = await this.cryptocurrencies.require(symbol);
    const width = TIMEFRAME_MS[timeframe];
    const limit = query.limit ?? DEFAULT_LIMIT;
    const endBucket = bucketStart((query.end ?? new Date()).getTime(), timeframe);
    let from: number;
    let to: number;
    if (query.start) {
      from = bucketStart(query.start.getTime(), timeframe);
      to = Math.min(endBucket + width, from + limit * width);
    } else {
      to = endBucket + width;
      from = to - limit * width;
    }

    const rows = await this.candles.rollUp(
      asset.id,
      query.source ?? null,
      timeframe,
      new Date(from),
      new Date(to),
    );
    const byTime = new Map(rows.map((row) => [new Date(row.open_time).getTime(), toCandle(row)]));
    // The series' source: the one asked for, else the newest candle's (what feeds it now).
    const source = query.source ?? rows.at(-1)?.source?.split(',').at(-1) ?? null;

    let previousClose =
      query.fill === 'previous'
        ? await this.candles.closeBefore(asset.id, query.source ?? null, timeframe, new Date(from))
        : null;
    const candles: OhlcCandleDto[] = [];
    const gaps: OhlcGapDto[] = [];
    for (let time = from; time < to; time += width) {
      const candle = byTime.get(time);
      if (candle) {
        candles.push(candle);
        previousClose = candle.close;
        continue;
      }
      const last = gaps.at(-1);
      if (last && last.to === time) last.to = time + width;
      else gaps.push({ from: time, to: time + width });
      if (query.fill === 'previous' && previousClose !== null) {
        candles.push({
          timestamp: time,
          open: previousClose,
          high: previousClose,
          low: previousClose,
          close: previousClose,
          volume: 0,
          trade_count: 0,
          is_closed: time + width <= Date.now(),
          filled: true,
        });
      }
    }
    return { source, candles, gaps };
  }

  async indicators(symbol: string, query: IndicatorsQuery): Promise<IndicatorsDto> {
    const timeframe = query.timeframe ?? '1h';
    const params = {
      period: query.period ?? 20,
      rsi_period: query.rsi_period ?? 14,
      macd_fast: query.macd_fast ?? 12,
      macd_slow: query.macd_slow ?? 26,
      macd_signal: query.macd_signal ?? 9,
      stddev: query.stddev ?? 2,
    };
    if (params.macd_fast >= params.macd_slow) {
      throw AppException.validation([
        { field: 'macd_fast', message: 'macd_fast must be less than macd_slow' },
      ]);
    }
    const points = query.limit ?? DEFAULT_LIMIT;
    const warmUp = Math.max(
      params.period,
      params.rsi_period + 1,
      params.macd_slow + params.macd_signal,
    );
    // Over a regular series ending at the newest candle: gaps carry the previous close, so
    // every step is one timeframe apart as the formulas assume.
    const asset = await this.cryptocurrencies.require(symbol);
    const end = query.end ?? (await this.candles.latestOpenTime(asset.id, timeframe)) ?? new Date();
    const { candles } = await this.series(symbol, timeframe, {
      limit: Math.min(points + warmUp, 1_000),
      end: new Date(end),
      fill: 'previous',
    });
    const times = candles.map((c) => c.timestamp);
    const closes = candles.map((c) => c.close);
    // Each library result is aligned to the end of the input: result[i] belongs to the
    // candle at index (closes.length - result.length + i).
    const align = <T>(
      values: T[],
      map: (value: T) => Omit<IndicatorPointDto, 'timestamp'>,
    ): IndicatorPointDto[] =>
      values
        .map((value, i) => ({ timestamp: times[closes.length - values.length + i], ...map(value) }))
        .slice(-points);

    const compute: Record<IndicatorName, () => IndicatorPointDto[]> = {
      sma: () =>
        align(SMA.calculate({ period: params.period, values: closes }), (value) => ({ value })),
      ema: () =>
        align(EMA.calculate({ period: params.period, values: closes }), (value) => ({ value })),
      rsi: () =>
        align(RSI.calculate({ period: params.rsi_period, values: closes }), (value) => ({ value })),
      macd: () =>
        align(
          MACD.calculate({
            values: closes,
            fastPeriod: params.macd_fast,
            slowPeriod: params.macd_slow,
            signalPeriod: params.macd_signal,
            SimpleMAOscillator: false,
            SimpleMASignal: false,
          }).filter((m) => m.signal !== undefined),
          (m) => ({ macd: m.MACD, signal: m.signal, histogram: m.histogram }),
        ),
      bollinger: () =>
        align(
          BollingerBands.calculate({
            period: params.period,
            stdDev: params.stddev,
            values: closes,
          }),
          (b) => ({
            upper: b.upper,
            middle: b.middle,
            lower: b.lower,
          }),
        ),
    };
    const requested = query.indicators ?? [...INDICATORS];
    // Candles each indicator needs before its first point.
    const needed: Record<IndicatorName, number> = {
      sma: params.period,
      ema: params.period,
      bollinger: params.period,
      rsi: params.rsi_period + 1,
      macd: params.macd_slow + params.macd_signal - 1,
    };
    const indicators = Object.fromEntries(requested.map((name) => [name, compute[name]()]));
    const warnings = requested
      .filter((name) => indicators[name].length < points)
      .map((name) => ({
        indicator: name,
        needed: needed[name],
        available: candles.length,
        message:
          `${name} needs ${needed[name]} candles of ${timeframe} for its first point, ` +
          `${candles.length} available: ` +
          (indicators[name].length === 0
            ? 'no points'
            : `${indicators[name].length} of the ${points} points asked for`),
      }));
    return { symbol, timeframe, params, candles: candles.length, indicators, warnings };
  }
}
