// Decorator stacks for the query parameters that many routes share: documentation,
// conversion from the query string, and validation in one place.
import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsDate,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { RESPONSE_FORMATS } from '../http/csv';
import { DATE_RULE, toDate, toInteger, toNumber } from './query-transforms';

type Doc = Omit<ApiPropertyOptions, 'type' | 'minimum' | 'maximum'>;

/** An optional whole number in [min, max]. */
export function IntegerParam(min: number, max: number, doc: Doc = {}): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      ...doc,
      type: 'integer',
      minimum: min,
      maximum: max,
    } as ApiPropertyOptions),
    IsOptional(),
    Transform(toInteger),
    IsInt(),
    Min(min),
    Max(max),
  );
}

/** An optional finite number, at least `min` (and at most `max` when given). */
export function NumberParam(min: number, max?: number, doc: Doc = {}): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      ...doc,
      type: 'number',
      minimum: min,
      maximum: max,
    } as ApiPropertyOptions),
    IsOptional(),
    Transform(toNumber),
    IsNumber({ allowNaN: false, allowInfinity: false }),
    Min(min),
    ...(max === undefined ? [] : [Max(max)]),
  );
}

/** An optional instant: ISO 8601 (UTC when no zone is given) or epoch seconds or milliseconds. */
export function DateParam(name: string, doc: Doc = {}): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      ...doc,
      type: String,
      description:
        `${doc.description ?? ''} (ISO 8601, or epoch seconds or milliseconds: numbers below 100000000000 are seconds)`.trim(),
    } as ApiPropertyOptions),
    IsOptional(),
    Transform(toDate),
    IsDate({ message: `${name} ${DATE_RULE}` }),
  );
}

/** An optional data source name such as `coingecko`. */
export function SourceParam(example: string, description?: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ example, description }),
    IsOptional(),
    IsString(),
    Matches(/^[a-z0-9_-]{1,32}$/, { message: `source must be a source name such as ${example}` }),
  );
}

/** `format`: the representation of the answer, JSON or a streamed CSV file. */
export function FormatParam(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      enum: RESPONSE_FORMATS,
      description:
        'json, or csv: a streamed text/csv file of the same rows. Without it, the Accept header ' +
        'decides (CSV when it prefers text/csv), else JSON',
    }),
    IsOptional(),
    IsIn(RESPONSE_FORMATS, { message: `format must be one of: ${RESPONSE_FORMATS.join(', ')}` }),
  );
}
