import { DAY_MS, RateTable, convert, convertChange, convertPriceChange, toUsd } from './conversion';

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

describe(RateTable.name, () => {
  const rates = () =>
    new RateTable(
      [
        { day: day('2024-03-04'), rate: 0.8 },
        { day: day('2024-03-01'), rate: 0.75 },
        { day: day('2024-03-11'), rate: 0.9 },
      ],
      2,
    );

  it('gives an instant the rate of its own day', () => {
    expect(rates().at(day('2024-03-04') + 15 * 3_600_000)).toBe(0.8);
    expect(rates().at(day('2024-03-01'))).toBe(0.75);
  });

  it('carries the newest rate over at most carryDays days, then answers null', () => {
    expect(rates().at(day('2024-03-06') + DAY_MS - 1)).toBe(0.8);
    expect(rates().at(day('2024-03-07'))).toBeNull();
    expect(rates().at(day('2024-02-29'))).toBeNull();
  });

  it('ignores rates that are not positive finite numbers', () => {
    const sut = new RateTable(
      [
        { day: day('2024-03-04'), rate: Number.NaN },
        { day: day('2024-03-05'), rate: -1 },
      ],
      7,
    );

    expect(sut.at(day('2024-03-05'))).toBeNull();
  });

  it('uses the live rate for points of today and now, the daily rates before', () => {
    const now = day('2024-03-11') + 3_600_000;
    const sut = new RateTable([{ day: day('2024-03-10'), rate: 2 }], 7, 3);

    expect(sut.instant(day('2024-03-11') + 60_000, now)).toBe(3);
    expect(sut.instant(day('2024-03-10') + 60_000, now)).toBe(2);
    expect(sut.now(now)).toBe(3);
  });

  it('is the identity for USD at any time', () => {
    const sut = RateTable.usd();

    expect(sut.isIdentity).toBe(true);
    expect(sut.at(0)).toBe(1);
    expect(sut.now()).toBe(1);
  });
});

describe(convert.name, () => {
  it('multiplies exact decimal text by the rate, and keeps unknowns null', () => {
    expect(convert('97000.5', 2)).toBe(194001);
    expect(convert(10, 0.5)).toBe(5);
    expect(convert(null, 2)).toBeNull();
    expect(convert('5', null)).toBeNull();
    expect(convert('NaN', 1)).toBeNull();
  });

  it('takes a bound in the quote currency back to USD', () => {
    expect(toUsd(180, 0.9)).toBeCloseTo(200, 10);
    expect(toUsd(undefined, 0.9)).toBeUndefined();
    expect(toUsd(1, null)).toBeNull();
  });
});

describe(convertChange.name, () => {
  it('restates a USD change against how the dollar moved in the window', () => {
    // +10 % in USD while the dollar went from 1.0 to 0.9 units: 1.1 × 0.9 − 1 = −1 %.
    expect(convertChange(10, 0.9, 1)).toBeCloseTo(-1, 10);
    expect(convertChange('-2.5', 0.9, 0.9)).toBe(-2.5);
    expect(convertChange(10, 0.9, null)).toBeNull();
  });

  it('restates an absolute change the same way', () => {
    // 110 now, 100 a day ago (in USD); rates 0.9 now and 1 then: 99 − 100 = −1.
    expect(convertPriceChange('110', '10', 0.9, 1)).toBeCloseTo(-1, 10);
    expect(convertPriceChange('110', '10', 2, 2)).toBe(20);
    expect(convertPriceChange('110', null, 2, 2)).toBeNull();
  });
});
