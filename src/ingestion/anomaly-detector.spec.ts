import { detectAnomalies } from './anomaly-detector';

describe(detectAnomalies.name, () => {
  const sut = (
    prices: [string, number][],
    previous: [string, number][] = [],
    others: [string, number[]][] = [],
  ) => detectAnomalies(new Map(prices), new Map(previous), new Map(others), 50);

  it('accepts ordinary moves and assets without history', () => {
    expect(
      sut(
        [
          ['BTC', 100],
          ['NEW', 5],
        ],
        [['BTC', 90]],
        [['BTC', [101, 99]]],
      ),
    ).toEqual(new Map());
  });

  it('flags a jump beyond the threshold against the previous price', () => {
    expect(sut([['BTC', 160]], [['BTC', 100]])).toEqual(
      new Map([['BTC', 'moved 60.0% from its previous price 100']]),
    );
    expect(sut([['BTC', 40]], [['BTC', 100]]).has('BTC')).toBe(true);
  });

  it('flags a price far from the median of the other sources', () => {
    expect(sut([['ETH', 10]], [], [['ETH', [3500, 3490, 9999]]])).toEqual(
      new Map([['ETH', '99.7% away from other sources (median 3500)']]),
    );
  });

  it('is exactly at the threshold not an anomaly', () => {
    expect(sut([['BTC', 150]], [['BTC', 100]])).toEqual(new Map());
  });
});
