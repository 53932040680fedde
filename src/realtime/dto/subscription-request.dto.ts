import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsString,
  Matches,
  ValidateIf,
} from 'class-validator';
import { SYMBOL_PATTERN, SYMBOL_RULE } from '../../common/pipes/parse-symbol.pipe';

const upper = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.toUpperCase() : value;

/** `subscribe` / `unsubscribe`: `{symbol}` or `{symbols: [...]}` (or both). */
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
}

/** The distinct symbols a request names, in the order given. */
export function requestedSymbols(request: SubscriptionRequestDto): string[] {
  return [...new Set([...(request.symbol ? [request.symbol] : []), ...(request.symbols ?? [])])];
}
