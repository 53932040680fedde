import { Injectable, type PipeTransform } from '@nestjs/common';
import { AppException } from '../errors/app.exception';

export const SYMBOL_PATTERN = /^[A-Za-z0-9]{1,20}$/;
export const SYMBOL_RULE = 'must be 1 to 20 letters or digits (e.g. BTC)';

/** `:symbol` path parameters: validated, then upper-cased (symbols are stored upper-case). */
@Injectable()
export class ParseSymbolPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (typeof value !== 'string' || !SYMBOL_PATTERN.test(value)) {
      throw AppException.validation([{ field: 'symbol', message: `symbol ${SYMBOL_RULE}` }]);
    }
    return value.toUpperCase();
  }
}
