import { RateTable } from '../currencies/conversion';
import { convertCandleUpdate, convertPriceUpdate } from './realtime-currency';
import { candleRoom, parseCandleRoom, parseSymbolRoom, symbolRoom } from './realtime.events';

const DAY = 86_400_000;
const NOW = Date.parse('2025-12-02T12:00:00Z');
const TODAY = Date.parse('2025-12-02T00:00:00Z');

describe('live updates in a quote currency', () => {
  // A dollar was 0.8 EUR yesterday and is 0.9 today.
  const eur = new RateTable(
    [
      { day: TODAY - DAY, rate: 0.8 },
      { day: TODAY, rate: 0.9 },
    ],
    7,
  );
  const price = {
    symbol: 'BTC',
    price: 100_000,
    change_24h: 10,
    volume_24h: 2e9,
    timestamp: new Date(NOW).toISOString(),
    source: 'binance',
    seq: 7,
  };

  it('converts price and volume at the current rate, restates the change, and names the currency', () => {
    const converted = convertPriceUpdate(price, 'eur', eur, NOW);

    expect(converted).toEqual({
      ...price,
      price: 90_000,
      volume_24h: 1.8e9,
      // 1.1 × (0.9 / 0.8) − 1
      change_24h: expect.closeTo(23.75, 10),
      vs_currency: 'eur',
    });
  });

  it('gives null amounts, not USD ones, when the currency has no rate for the day', () => {
    const stale = new RateTable([{ day: TODAY - 30 * DAY, rate: 0.9 }], 7);

    const converted = convertPriceUpdate(price, 'eur', stale, NOW);

    expect(converted).toMatchObject({ price: null, volume_24h: null, change_24h: null });
  });

  it('converts a candle’s prices at its day’s rate and keeps its volume in units of the asset', () => {
    const candle = {
      symbol: 'BTC',
      timeframe: '1h' as const,
      open_time: new Date(TODAY + 3_600_000).toISOString(),
      open: 10,
      high: 20,
      low: 5,
      close: 15,
      volume: 3,
      is_closed: false,
      seq: 2,
    };

    expect(convertCandleUpdate(candle, 'eur', eur, NOW)).toEqual({
      ...candle,
      open: 9,
      high: 18,
      low: 4.5,
      close: 13.5,
      vs_currency: 'eur',
    });
  });

  it('names rooms per symbol and currency, USD keeping the rooms it always had', () => {
    expect(symbolRoom('BTC')).toBe('symbol:BTC');
    expect(symbolRoom('BTC', 'eur')).toBe('prices:BTC:eur');
    expect(candleRoom('BTC', '1h')).toBe('candles:BTC:1h');
    expect(candleRoom('BTC', '1h', 'sats')).toBe('candles:BTC:1h:sats');
    expect(parseSymbolRoom('symbol:BTC')).toEqual({ symbol: 'BTC', currency: 'usd' });
    expect(parseSymbolRoom('prices:BTC:eur')).toEqual({ symbol: 'BTC', currency: 'eur' });
    expect(parseCandleRoom('candles:BTC:4h')).toEqual({
      symbol: 'BTC',
      timeframe: '4h',
      currency: 'usd',
    });
    expect(parseCandleRoom('candles:BTC:4h:eur')).toEqual({
      symbol: 'BTC',
      timeframe: '4h',
      currency: 'eur',
    });
    expect(parseSymbolRoom('candles:BTC:4h')).toBeNull();
    expect(parseCandleRoom('prices:BTC:eur')).toBeNull();
  });
});
