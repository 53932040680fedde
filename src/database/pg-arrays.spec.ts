import { pgBooleans, pgDecimals, pgEpochMillis, pgNumbers, pgTexts } from './pg-arrays';

describe('pg array literals', () => {
  it('writes numbers, with NULL for missing ones', () => {
    expect(pgNumbers([1, 2.5, null, undefined, -0.00000001, 1e21])).toBe(
      '{1,2.5,NULL,NULL,-1e-8,1e+21}',
    );
  });

  it('refuses values PostgreSQL would store as NaN or Infinity', () => {
    expect(() => pgNumbers([1, Number.NaN])).toThrow(RangeError);
    expect(() => pgNumbers([Number.POSITIVE_INFINITY])).toThrow(RangeError);
  });

  it('passes decimal strings through exactly, next to numbers and NULLs', () => {
    expect(pgDecimals(['97216.01000000', 2.5, null, '-1e-8', '0.000000001234567890123'])).toBe(
      '{97216.01000000,2.5,NULL,-1e-8,0.000000001234567890123}',
    );
  });

  it('refuses strings that are not decimal literals, so none can break out of its element', () => {
    for (const bad of ['1,2', '1}', '{1}', 'NaN', 'Infinity', '', ' 1', 'NULL']) {
      expect(() => pgDecimals([bad])).toThrow(RangeError);
    }
    expect(() => pgDecimals([Number.NaN])).toThrow(RangeError);
  });

  it('writes instants as epoch milliseconds', () => {
    expect(pgEpochMillis([new Date(Date.UTC(2026, 10, 20, 1, 2, 3, 4))])).toBe('{1795136523004}');
  });

  it('quotes and escapes text so no value can break out of its element', () => {
    expect(pgTexts(['binance', 'a,b', 'say "hi"', 'back\\slash', '}{', null])).toBe(
      '{"binance","a,b","say \\"hi\\"","back\\\\slash","}{",NULL}',
    );
  });

  it('writes booleans as t/f', () => {
    expect(pgBooleans([true, false])).toBe('{t,f}');
  });

  it('writes empty arrays', () => {
    expect([pgNumbers([]), pgTexts([]), pgEpochMillis([]), pgBooleans([])]).toEqual([
      '{}',
      '{}',
      '{}',
      '{}',
    ]);
  });
});
