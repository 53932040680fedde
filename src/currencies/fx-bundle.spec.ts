import { FxFileError, formatBundledRates, parseBundledRates, parseYahooPair } from './fx-bundle';

const YAHOO_HEADER = 'Date,Open,High,Low,Close,Volume,Dividends,Stock Splits';

describe(parseYahooPair.name, () => {
  it('inverts XXXUSD pairs and takes the date part of a local midnight as the day', () => {
    const sut = parseYahooPair(
      [
        YAHOO_HEADER,
        '2024-03-04 00:00:00+00:00,1.08,1.09,1.07,1.25,0,0.0,0.0',
        '2024-03-05 00:00:00+01:00,1.08,1.09,1.07,1.0857,0,0.0,0.0',
      ].join('\n'),
      'EURUSD_1d.csv',
    );

    expect(sut).toEqual({
      currency: 'eur',
      rates: [
        { day: '2024-03-04', rate: '0.8' },
        { day: '2024-03-05', rate: '0.92106475' },
      ],
    });
  });

  it('keeps USDXXX pairs as units per dollar', () => {
    const sut = parseYahooPair(
      `${YAHOO_HEADER}\n2024-03-04 00:00:00+00:00,150,151,149,150.123456789,0,0.0,0.0\n`,
      'USDJPY_1d.csv',
    );

    expect(sut.rates).toEqual([{ day: '2024-03-04', rate: '150.12346' }]);
  });

  it.each([
    ['2024-03-04 00:00:00+00:00,1,1,1,abc,0,0,0', /line 2: 'abc' is not a plausible/],
    ['2024-03-04 00:00:00+00:00,1,1,1,0,0,0,0', /line 2: '0' is not a plausible/],
    ['yesterday,1,1,1,1,0,0,0', /line 2: 'yesterday' is not a date/],
    ['2999-01-01 00:00:00+00:00,1,1,1,1,0,0,0', /in the future/],
  ])('names the line of a bad row (%s)', (row, message) => {
    expect(() => parseYahooPair(`${YAHOO_HEADER}\n${row}`, 'EURUSD_1d.csv')).toThrow(message);
  });

  it('refuses a file name that is not a pair with USD', () => {
    expect(() => parseYahooPair(YAHOO_HEADER, 'EURGBP_1d.csv')).toThrow(FxFileError);
  });
});

describe(parseBundledRates.name, () => {
  it('reads back what formatBundledRates wrote', () => {
    const rates = [
      { day: '2024-03-04', rate: '0.8' },
      { day: '2024-03-05', rate: '0.92106475' },
    ];

    expect(parseBundledRates(formatBundledRates(rates), 'eur.csv.gz')).toEqual(rates);
  });

  it('refuses days out of order and a wrong header', () => {
    expect(() =>
      parseBundledRates('date,rate\n2024-03-05,1\n2024-03-04,1\n', 'eur.csv.gz'),
    ).toThrow(/line 3: 2024-03-04 is not after 2024-03-05/);
    expect(() => parseBundledRates('day,value\n', 'eur.csv.gz')).toThrow(/header/);
  });
});
