import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsDefined, Matches } from 'class-validator';
import { toSymbolList } from '../../common/dto/query-transforms';
import { SYMBOL_PATTERN, SYMBOL_RULE } from '../../common/pipes/parse-symbol.pipe';

export const MAX_SPARKLINE_SYMBOLS = 100;

export class SparklinesQuery {
  @IsDefined({ message: 'symbols is required (comma-separated, e.g. BTC,ETH)' })
  @Transform(toSymbolList)
  @ArrayMinSize(1, { message: 'symbols must name at least one symbol' })
  @ArrayMaxSize(MAX_SPARKLINE_SYMBOLS, {
    message: `symbols must name at most ${MAX_SPARKLINE_SYMBOLS} symbols`,
  })
  @Matches(SYMBOL_PATTERN, { each: true, message: `each of symbols ${SYMBOL_RULE}` })
  symbols!: string[];
}

export interface SparklinesDto {
  timeframe: '1h';
  /** Epoch ms: the first bucket's open time and the end of the last. */
  from: number;
  to: number;
  /** Per symbol, the close of each hourly bucket, oldest first; null where a bucket has no data. */
  sparklines: Record<string, (number | null)[]>;
}
