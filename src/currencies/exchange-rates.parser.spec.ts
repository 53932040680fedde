import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseExchangeRates } from './exchange-rates.parser';

const recorded = (): unknown =>
  JSON.parse(
    readFileSync(
      join(__dirname, '../../test/fixtures/providers/coingecko-exchange-rates.json'),
      'utf8',
    ),
  );

describe(parseExchangeRates.name, () => {
  it('restates the BTC-relative values per US dollar, fiat and commodities only', () => {
    const sut = parseExchangeRates(recorded());

    expect(sut.rates).toEqual(
      expect.arrayContaining([
        { code: 'eur', name: 'Euro', kind: 'fiat', rate: '0.95' },
        { code: 'gbp', name: 'British Pound Sterling', kind: 'fiat', rate: '0.8' },
        { code: 'jpy', name: 'Japanese Yen', kind: 'fiat', rate: '155' },
        { code: 'xau', name: 'Gold - Troy Ounce', kind: 'commodity', rate: '0.00037628866' },
      ]),
    );
    expect(sut.rates.map((r) => r.code)).not.toContain('usd');
    expect(sut.rejected.map((r) => r.code).sort()).toEqual(['bits', 'btc', 'eth', 'sats']);
  });

  it('rejects a bad entry alone, with its reason', () => {
    const sut = parseExchangeRates({
      rates: {
        usd: { name: 'US Dollar', unit: '$', value: 100, type: 'fiat' },
        eur: { name: 'Euro', unit: '€', value: 90, type: 'fiat' },
        bad: { name: 'Bad', unit: 'B', value: -1, type: 'fiat' },
        inf: { name: 'Huge', unit: 'H', value: 1e300, type: 'fiat' },
        'E-1': { name: 'Odd', unit: 'O', value: 1, type: 'fiat' },
      },
    });

    expect(sut.rates).toEqual([{ code: 'eur', name: 'Euro', kind: 'fiat', rate: '0.9' }]);
    expect(sut.rejected).toEqual([
      { code: 'bad', reason: 'value is not a positive number' },
      { code: 'inf', reason: expect.stringMatching(/implausible/) },
      { code: 'E-1', reason: 'not a currency code' },
    ]);
  });

  it.each([
    [null, /no "rates" object/],
    [{ rates: [] }, /no "rates" object/],
    [{ rates: { eur: { value: 1, type: 'fiat' } } }, /no positive "usd" rate/],
    [{ rates: { usd: { value: 0, type: 'fiat' } } }, /no positive "usd" rate/],
  ])('refuses a payload without the documented shape (%j)', (body, message) => {
    expect(() => parseExchangeRates(body)).toThrow(message);
  });
});
