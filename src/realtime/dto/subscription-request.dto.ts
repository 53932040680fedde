import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  ValidateIf,
} from 'class-validator';
import { SYMBOL_PATTERN, SYMBOL_RULE } from '../../common/pipes/parse-symbol.pipe';
import { TIMEFRAMES, type Timeframe } from '../../price-history/timeframe';
import { CURRENCY_CODE } from '../../currencies/quote-currencies';

const upper = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.toUpperCase() : value;

/**
 * `subscribe` / `unsubscribe`: `{symbol}` or `{symbols: [...]}` (or both). A subscribe may
 * name the candle `timeframes` to stream for those symbols (default `['1m']`); it replaces
 * what an earlier subscribe chose for them. Likewise `vs_currency` (default usd), the quote
 * currency of their prices and candles, checked against the supported currencies when the
 * subscribe is applied. An unsubscribe removes the symbols whole.
 */
export class SubscriptionRequestDto {
  @ValidateIf((request: SubscriptionRequestDto) => request.symbols === undefined)
  @IsDefined({ message: 'symbol or symbols is required' })
  @IsString()
  @Matches(SYMBOL_PATTERN, { message: `symbol ${SYMBOL_RULE}` })
  @Transform(upper)
  symbol?: string;

  @ValidateIf((request: SubscriptionRequestDto) => request.symbols !== undefined)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1_000)
  @IsString({ each: true })
  @Matches(SYMBOL_PATTERN, { each: true, message: `each of symbols ${SYMBOL_RULE}` })
  @Transform(({ value }: { value: unknown }) =>
    Array.isArray(value) ? value.map((item) => upper({ value: item })) : value,
  )
  symbols?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(TIMEFRAMES.length)
  @IsIn(TIMEFRAMES, {
    each: true,
    message: `each of timeframes must be one of: ${TIMEFRAMES.join(', ')}`,
  })
  timeframes?: Timeframe[];

  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  @IsString()
  @Matches(CURRENCY_CODE, { message: 'vs_currency must be a currency code such as usd or eur' })
  vs_currency?: string;
}

export const DEFAULT_CANDLE_TIMEFRAMES: readonly Timeframe[] = ['1m'];

/** The distinct candle timeframes a subscribe asks for, in TIMEFRAMES order. */
export function requestedTimeframes(request: SubscriptionRequestDto): Timeframe[] {
  const named = new Set(request.timeframes ?? DEFAULT_CANDLE_TIMEFRAMES);
  return TIMEFRAMES.filter((timeframe) => named.has(timeframe));
}

/** The distinct symbols a request names, in the order given. */
export function requestedSymbols(request: SubscriptionRequestDto): string[] {
  return [...new Set([...(request.symbol ? [request.symbol] : []), ...(request.symbols ?? [])])];
}
