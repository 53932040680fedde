import { CandleFileError, parseCandleFile } from './candle-file.parser';
import { symbolFromFileName } from './file-symbol';

const NOW = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
const JAN1 = Date.UTC(2025, 0, 1);

describe('parseCandleFile', () => {
  it('reads Yahoo-style CSV in any column order, dates as UTC days', () => {
    const file = parseCandleFile(
      'Date,Close,High,Low,Open,Volume,Adj Close\n' +
        '2025-01-01,101,105,99,100,1000,101\n' +
        '2025-01-02,102.5,103,100,101,2000,102.5\n',
      { now: NOW },
    );
    expect(file).toMatchObject({ layout: 'yahoo', width: '1d', rejected: [] });
    expect(file.candles).toEqual([
      {
        openTime: JAN1,
        open: '100',
        high: '105',
        low: '99',
        close: '101',
        volume: '1000',
        quoteVolume: null,
        tradeCount: 0,
      },
      expect.objectContaining({ openTime: JAN1 + DAY, close: '102.5' }),
    ]);
  });

  it('turns a volume counted in USD into base units at the close, keeping the USD as quote volume', () => {
    const [candle] = parseCandleFile('Date,Open,High,Low,Close,Volume\n2025-01-01,1,2,1,2,500\n', {
      now: NOW,
      volumeIn: 'quote',
    }).candles;
    expect(candle).toMatchObject({ volume: '250', quoteVolume: '500' });
  });

  it('reads Binance kline CSV with millisecond or microsecond times, width from open and close times', () => {
    const ms = '1735689600000,1,2,0.5,1.5,10,1735693199999,15,7,0,0,0';
    const us = '1735693200000000,1.5,2,1,1.8,20,1735696799999999,30,9,0,0,0';
    const file = parseCandleFile(`${ms}\n${us}\n`, { now: NOW });
    expect(file).toMatchObject({ layout: 'binance', width: '1h', rejected: [] });
    expect(file.candles.map((c) => [c.openTime, c.quoteVolume, c.tradeCount])).toEqual([
      [JAN1, '15', 7],
      [JAN1 + 3_600_000, '30', 9],
    ]);
  });

  it('reads CoinGecko-style points, alone or as a market chart with USD volumes', () => {
    const points = parseCandleFile(`[[${JAN1}, 94000.5], [${JAN1 + DAY}, 95000]]`, { now: NOW });
    expect(points).toMatchObject({ layout: 'coingecko', width: '1d' });
    expect(points.candles[0]).toMatchObject({ open: '94000.5', close: '94000.5', volume: 0 });

    const chart = parseCandleFile(
      JSON.stringify({
        prices: [
          [JAN1, 2],
          [JAN1 + DAY, 4],
        ],
        total_volumes: [
          [JAN1, 100],
          [JAN1 + DAY, 200],
        ],
      }),
      { now: NOW },
    );
    expect(chart.candles.map((c) => [c.volume, c.quoteVolume])).toEqual([
      ['50', '100'],
      ['50', '200'],
    ]);
  });

  it('rejects bad rows alone, by line, and keeps the rest', () => {
    const file = parseCandleFile(
      [
        'Date,Open,High,Low,Close,Volume',
        '2025-01-01,100,105,99,101,10',
        '2025-01-02,oops,105,99,101,10',
        '2025-01-03,100,99,98,101,10',
        '2025-01-04,100,105,99,101,-1',
        '2025-01-01,100,105,99,101,10',
        'not a date,100,105,99,101,10',
        '2025-01-05T12:00:00Z,100,105,99,101,10',
        '2030-01-06,100,105,99,101,10',
        '2025-01-07,100,105,99,101',
        '',
        '2025-01-08,100,105,99,101,10',
      ].join('\n'),
      { now: NOW },
    );
    expect(file.candles.map((c) => new Date(c.openTime).toISOString().slice(0, 10))).toEqual([
      '2025-01-01',
      '2025-01-07',
      '2025-01-08',
    ]);
    expect(file.rejected).toEqual([
      { at: 'line 3', reason: "open 'oops' is not a number" },
      { at: 'line 4', reason: 'low 98 / high 99 do not bound open 100 and close 101' },
      { at: 'line 5', reason: 'volume -1 is below 0' },
      { at: 'line 6', reason: 'repeats the time of line 2' },
      { at: 'line 7', reason: 'time is not a time' },
      {
        at: 'line 8',
        reason: "time 2025-01-05T12:00:00.000Z does not start a candle of the file's width",
      },
      { at: 'line 9', reason: 'time 2030-01-06T00:00:00.000Z is in the future' },
    ]);
  });

  it('refuses a file it cannot read as candles, saying why', () => {
    const refuse = (text: string) => () => parseCandleFile(text, { now: NOW });
    expect(refuse('')).toThrow(CandleFileError);
    expect(refuse('Date,Price\n2025-01-01,1\n')).toThrow(/names no open, high, low, close/);
    expect(
      refuse(
        'Date,Open,High,Low,Close\n2025-01-01,1,1,1,1\n2025-01-01T04:00:00Z,1,1,1,1\n2025-01-01T08:00:00Z,1,1,1,1\n',
      ),
    ).toThrow(/240 minutes apart/);
    expect(refuse('{"prices": 3}')).toThrow(/"prices" list/);
    expect(refuse('[1, 2')).toThrow(/not valid JSON/);
    expect(refuse('Date,Open,High,Low,Close\nx,1,1,1,1\n')).toThrow(/no usable row \(line 2: /);
  });
});

describe('symbolFromFileName', () => {
  it.each([
    ['data/history/BTC.csv.gz', 'BTC'],
    ['/tmp/BTC-USD_1d.csv', 'BTC'],
    ['BTCUSDT-1h-2024-01.csv', 'BTC'],
    ['usdc-usd.csv', 'USDC'],
    ['USDT.csv', 'USDT'],
    ['-.csv', null],
  ])('%s → %s', (path, symbol) => {
    expect(symbolFromFileName(path)).toBe(symbol);
  });
});
