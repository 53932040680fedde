import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Matches } from 'class-validator';
import { CURRENCY_CODE } from '../quote-currencies';

const toLower = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

/**
 * The optional quote currency of a route's money (default usd). Checked for form here and
 * against the supported currencies by CurrenciesService.resolve (a 400 naming them).
 */
export function VsCurrencyParam(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      description:
        'Quote currency of every amount: usd, a fiat code (eur, jpy, …) or a crypto one (btc, eth, sats, …); see /api/v3/simple/supported_vs_currencies',
      default: 'usd',
      example: 'eur',
      type: String,
    }),
    IsOptional(),
    Transform(toLower),
    IsString(),
    Matches(CURRENCY_CODE, { message: 'vs_currency must be a currency code such as usd or eur' }),
  );
}

export class VsCurrencyQuery {
  @VsCurrencyParam()
  vs_currency?: string;
}
