// The validation rules shared by the environment classes: how a variable's text becomes an
// integer, a boolean or a symbol list, and what is accepted.
import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, Matches, Max, Min } from 'class-validator';

const TRUE_VALUES = new Set(['true', '1', 'yes', 'on']);
const FALSE_VALUES = new Set(['false', '0', 'no', 'off']);

/** Environment strings to booleans; anything else is left as a string so validation names it. */
const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const normalised = value.trim().toLowerCase();
  if (TRUE_VALUES.has(normalised)) return true;
  if (FALSE_VALUES.has(normalised)) return false;
  return value;
};

/** Integers must be written as integers: `PORT=abc` or `PORT=3.5` stay strings and fail. */
const toInteger = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;

/** A whole number in [min, max] (max optional); `message` replaces the default messages. */
export function IntegerVar(min: number, max?: number, message?: string): PropertyDecorator {
  const options = message ? { message } : {};
  return applyDecorators(
    Transform(toInteger),
    IsInt(options),
    Min(min, options),
    ...(max === undefined ? [] : [Max(max, options)]),
  );
}

/** true/false (also 1/0, yes/no, on/off). */
export function BooleanVar(): PropertyDecorator {
  return applyDecorators(Transform(toBoolean), IsBoolean({ message: 'must be true or false' }));
}

/** A comma-separated list of 1–20 letter-or-digit symbols. */
export function SymbolListVar(): PropertyDecorator {
  return Matches(/^\s*[A-Za-z0-9]{1,20}(\s*,\s*[A-Za-z0-9]{1,20})*\s*$/, {
    message: 'must be a comma-separated list of symbols (1–20 letters or digits each)',
  });
}
