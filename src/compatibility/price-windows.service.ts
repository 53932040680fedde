import { Injectable } from '@nestjs/common';
import { toNumberOrNull } from '../common/dto/numbers';
import { AppException } from '../common/errors/app.exception';
import { CryptocurrenciesService } from '../cryptocurrencies/cryptocurrencies.service';
import { CandlesRepository, type CandleRow } from '../price-history/candles.repository';
import { assertOrdered } from '../price-history/price-history.service';
import type {
  HistoricalQuery,
  HistoricalWindowDto,
  LatestWindowDto,
} from './dto/price-history-compatibility.dto';

const MINUTE_MS = 60_000;

/** The replaced aggregator's 1-minute windows, read from the 1-minute candles. */
@Injectable()
export class PriceWindowsService {
  constructor(
    private readonly cryptocurrencies: CryptocurrenciesService,
    private readonly candles: CandlesRepository,
  ) {}

  async latestWindow(symbol: string): Promise<LatestWindowDto> {
    const asset = await this.cryptocurrencies.require(symbol);
    const candle = await this.candles.findLatest(asset.id);
    if (!candle) throw AppException.notFound(`No 1-minute data for symbol '${symbol}' yet`);
    const start = new Date(candle.open_time);
    return {
      symbol,
      window_start: start.toISOString(),
      window_end: new Date(start.getTime() + MINUTE_MS).toISOString(),
      open: Number(candle.open),
      high: Number(candle.high),
      low: Number(candle.low),
      close: Number(candle.close),
      volume_sum: Number(candle.volume),
      event_count: Number(candle.trade_count),
    };
  }

  async historical(
    symbol: string,
    query: HistoricalQuery,
  ): Promise<{ items: HistoricalWindowDto[]; total: number; hasMore: boolean }> {
    assertOrdered('start_time', query.start_time, 'end_time', query.end_time);
    const asset = await this.cryptocurrencies.require(symbol);
    const offset = query.offset ?? 0;
    const { rows, total } = await this.candles.findRange(asset.id, {
      from: query.start_time,
      to: query.end_time,
      limit: query.limit ?? 100,
      offset,
      order: query.order_by ?? 'desc',
    });
    return {
      items: rows.map((row) => toWindow(symbol, row)),
      total,
      hasMore: offset + rows.length < total,
    };
  }
}

function toWindow(symbol: string, row: CandleRow): HistoricalWindowDto {
  const start = new Date(row.open_time);
  const [open, high, low, close] = [row.open, row.high, row.low, row.close].map(Number);
  return {
    symbol,
    window_start: start.toISOString(),
    window_end: new Date(start.getTime() + MINUTE_MS).toISOString(),
    open_price: open,
    high_price: high,
    low_price: low,
    close_price: close,
    avg_price: toNumberOrNull(row.vwap ?? null) ?? (open + high + low + close) / 4,
    volume_sum: Number(row.volume),
    trade_count: Number(row.trade_count),
  };
}
