import {
  ValidationPipe,
  type ArgumentMetadata,
  type ValidationError,
  type ValidationPipeOptions,
} from '@nestjs/common';
import { AppException, type FieldError } from '../errors/app.exception';
import { isLenientQuery } from './lenient-query';
import { QueryMemo } from './query-memo';

/** Constraints on a value's presence or type: when one fails, the others only add noise. */
const TYPE_CONSTRAINTS = new Set([
  'isArray',
  'isString',
  'isInt',
  'isNumber',
  'isBoolean',
  'isObject',
]);

/** A field's messages: its failed type check alone when there is one (`symbols` given as a
 * string is "must be an array", not "must contain no more than 1000 elements"). */
function messagesOf(constraints: Record<string, string> = {}): string[] {
  if (constraints.isDefined) return [constraints.isDefined];
  const typeFailures = Object.keys(constraints).filter((name) => TYPE_CONSTRAINTS.has(name));
  return (typeFailures.length > 0 ? typeFailures : Object.keys(constraints)).map(
    (name) => constraints[name],
  );
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = messagesOf(error.constraints).map((message) => ({ field, message }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** Deeper than any DTO; class-transformer recurses per level and overflows the stack near 2,000. */
const MAX_BODY_DEPTH = 32;

/** Whether a parsed JSON value nests deeper than `max` (iterative: no stack to overflow). */
function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, depth] = next;
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= max) return true;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
}

/**
 * Global pipe: unknown fields are rejected, payloads are transformed into their DTOs. A body
 * that is not a JSON object (an array, a string, null) is one clear error, not one error per
 * array index; a body nested deeper than MAX_BODY_DEPTH is refused before it is transformed.
 */
class ApiValidationPipe extends ValidationPipe {
  private readonly queries = new QueryMemo();

  constructor(
    options: ValidationPipeOptions,
    /** For @LenientQuery() DTOs: unknown parameters stripped, not refused. */
    private readonly lenient = new ValidationPipe({ ...options, forbidNonWhitelisted: false }),
  ) {
    super(options);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'query' && typeof metadata.metatype === 'function') {
      return this.transformQuery(value, metadata, metadata.metatype);
    }
    const isDto = typeof metadata.metatype === 'function' && this.toValidate(metadata);
    if (
      metadata.type === 'body' &&
      isDto &&
      value !== undefined && // no body at all: validated as {} (required fields still fail)
      (typeof value !== 'object' || value === null || Array.isArray(value))
    ) {
      throw AppException.validation([{ field: 'body', message: 'body must be a JSON object' }]);
    }
    if (metadata.type === 'body' && isDto && nestsDeeperThan(value, MAX_BODY_DEPTH)) {
      throw AppException.validation([
        { field: 'body', message: `body must not nest deeper than ${MAX_BODY_DEPTH} levels` },
      ]);
    }
    return super.transform(value, metadata);
  }

  /** A query DTO, from the memo when the same query was validated before. */
  private async transformQuery(
    value: unknown,
    metadata: ArgumentMetadata,
    metatype: object,
  ): Promise<unknown> {
    const key = this.queries.keyOf(metatype, value);
    const known = key === undefined ? undefined : this.queries.get(key);
    if (known) return known;
    const result: unknown = isLenientQuery(metatype)
      ? await this.lenient.transform(value, metadata)
      : await super.transform(value, metadata);
    if (key !== undefined) this.queries.set(key, result);
    return result;
  }
}

export function createValidationPipe(): ValidationPipe {
  return new ApiValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => AppException.validation(flattenValidationErrors(errors)),
  });
}
