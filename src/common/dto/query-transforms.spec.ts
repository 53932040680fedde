import { toDate } from './query-transforms';

const at = (value: string): unknown => toDate({ value });

describe('toDate', () => {
  it('reads epoch numbers below 100,000,000,000 as seconds', () => {
    expect(at('1764547200')).toEqual(new Date('2025-12-01T00:00:00Z'));
    expect(at('1764547200.25')).toEqual(new Date('2025-12-01T00:00:00.250Z'));
    expect(at('99999999999')).toEqual(new Date(99_999_999_999_000));
  });

  it('reads larger epoch numbers as milliseconds', () => {
    expect(at('1764547200000')).toEqual(new Date('2025-12-01T00:00:00Z'));
    expect(at('100000000000')).toEqual(new Date(100_000_000_000));
  });

  it('reads ISO 8601, UTC when no zone is given', () => {
    expect(at('2025-12-01')).toEqual(new Date('2025-12-01T00:00:00Z'));
    expect(at('2025-12-01T01:30:00')).toEqual(new Date('2025-12-01T01:30:00Z'));
    expect(at('2025-12-01T01:30:00+01:00')).toEqual(new Date('2025-12-01T00:30:00Z'));
  });

  it('leaves anything else as it is, for the validator to name', () => {
    expect(at('yesterday')).toBe('yesterday');
    expect(at('-5')).toBe('-5');
    expect(at('1e12')).toBe('1e12');
  });
});
