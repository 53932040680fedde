import { Injectable } from '@nestjs/common';
import { BollingerBands, EMA, MACD, RSI, SMA } from 'technicalindicators';
import { AppException } from '../common/errors/app.exception';
import { CryptocurrenciesService } from '../cryptocurrencies/cryptocurrencies.service';
import { CandlesRepository } from './candles.repository';
import type {
  IndicatorName,
  IndicatorPointDto,
  IndicatorsDto,
  IndicatorsQuery,
} from './dto/indicators.dto';
import { INDICATORS } from './dto/indicators.dto';
import { DEFAULT_LIMIT, OhlcService } from './ohlc.service';

/** SMA, EMA, RSI, MACD and Bollinger bands over the candles of a timeframe. */
@Injectable()
export class IndicatorsService {
  constructor(
    private readonly cryptocurrencies: CryptocurrenciesService,
    private readonly candles: CandlesRepository,
    private readonly ohlc: OhlcService,
  ) {}

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
    const series = await this.ohlc.series(symbol, timeframe, {
      limit: Math.min(points + warmUp, 1_000),
      end: new Date(end),
      fill: 'previous',
      vs_currency: query.vs_currency,
    });
    // Candles of days without a rate in vs_currency have no prices: left out, not zero.
    const candles = series.candles.filter(
      (c): c is typeof c & { close: number } => c.close !== null,
    );
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
    return {
      symbol,
      vs_currency: series.vsCurrency,
      timeframe,
      params,
      candles: candles.length,
      indicators,
      warnings,
    };
  }
}
