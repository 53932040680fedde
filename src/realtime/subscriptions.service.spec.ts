import { type AppException } from '../common/errors/app.exception';
import { ErrorCode } from '../common/errors/error-code';
import { loadAppConfig } from '../config/app-config';
import type { KnownSymbolsService } from './known-symbols.service';
import { SubscriptionsService } from './subscriptions.service';

describe(SubscriptionsService.name, () => {
  const known = new Set(['BTC', 'ETH', 'SOL', 'ADA']);
  const knownSymbols = {
    unknownAmong: async (symbols: string[]) => symbols.filter((s) => !known.has(s)),
  };
  let sut: SubscriptionsService;

  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected a refusal');
      },
      (error: AppException) => ({ code: error.code, message: error.message }),
    );

  beforeEach(() => {
    sut = new SubscriptionsService(
      loadAppConfig({ WS_MAX_SYMBOLS_PER_CLIENT: '3' }),
      knownSymbols as unknown as KnownSymbolsService,
    );
  });

  it('adds the symbols not yet subscribed and reports the resulting list', async () => {
    await sut.subscribe('a', { symbol: 'BTC' });

    const change = await sut.subscribe('a', { symbol: 'BTC', symbols: ['ETH', 'BTC'] });

    expect(change).toEqual({
      symbols: ['ETH'],
      subscriptions: ['BTC', 'ETH'],
      candles: [
        { symbol: 'BTC', before: ['1m'], after: ['1m'] },
        { symbol: 'ETH', before: [], after: ['1m'] },
      ],
    });
    expect(sut.subscriptionsOf('b')).toEqual([]);
  });

  it('sets the candle timeframes of the symbols a subscribe names, and counts who wants each', async () => {
    await sut.subscribe('a', { symbols: ['BTC', 'ETH'] });
    await sut.subscribe('b', { symbol: 'BTC', timeframes: ['1w', '1h', '1h'] });
    const change = await sut.subscribe('a', { symbol: 'BTC', timeframes: ['1h'] });

    expect(change.candles).toEqual([{ symbol: 'BTC', before: ['1m'], after: ['1h'] }]);
    expect([...sut.timeframesOf('b', 'BTC')]).toEqual(['1h', '1w']);
    expect(sut.wantedTimeframes('BTC').sort()).toEqual(['1h', '1w']);
    sut.forget('b');
    expect(sut.wantedTimeframes('BTC')).toEqual(['1h']);
    sut.unsubscribe('a', { symbols: ['BTC', 'ETH'] });
    expect(sut.wantedTimeframes('BTC')).toEqual([]);
    expect(sut.wantedTimeframes('ETH')).toEqual([]);
  });

  it('refuses a request naming an unknown symbol as a whole', async () => {
    const refusal = await failure(sut.subscribe('a', { symbols: ['BTC', 'NOPE', 'ZZZ'] }));

    expect(refusal).toEqual({ code: ErrorCode.NotFound, message: 'Unknown symbols: NOPE, ZZZ' });
    expect(sut.subscriptionsOf('a')).toEqual([]);
  });

  it('refuses to go over the per-client limit, counting only new symbols', async () => {
    await sut.subscribe('a', { symbols: ['BTC', 'ETH'] });

    await expect(sut.subscribe('a', { symbols: ['BTC', 'SOL'] })).resolves.toMatchObject({
      subscriptions: ['BTC', 'ETH', 'SOL'],
    });
    const refusal = await failure(sut.subscribe('a', { symbol: 'ADA' }));

    expect(refusal.code).toBe(ErrorCode.LimitExceeded);
    expect(refusal.message).toContain('At most 3 symbols per client');
  });

  it('removes only what was subscribed, and forgets a client', async () => {
    await sut.subscribe('a', { symbols: ['BTC', 'ETH'] });

    expect(sut.unsubscribe('a', { symbols: ['ETH', 'SOL'] })).toEqual({
      symbols: ['ETH'],
      subscriptions: ['BTC'],
    });
    sut.forget('a');
    expect(sut.subscriptionsOf('a')).toEqual([]);
  });

  it('counts the quote currencies read per symbol, so only those are converted', async () => {
    await sut.subscribe('a', { symbols: ['BTC', 'ETH'] });
    await sut.subscribe('b', { symbol: 'BTC' });

    expect(sut.setCurrency('a', ['BTC', 'ETH', 'SOL'], 'eur')).toEqual([
      { symbol: 'BTC', before: 'usd' },
      { symbol: 'ETH', before: 'usd' },
    ]);
    sut.setCurrency('b', ['BTC'], 'eur');
    expect(sut.wantedCurrencies('BTC')).toEqual(['eur']);
    expect(sut.currencyOf('a', 'BTC')).toBe('eur');
    expect(sut.currencyOf('a', 'SOL')).toBe('usd');

    expect(sut.setCurrency('a', ['BTC'], 'usd')).toEqual([{ symbol: 'BTC', before: 'eur' }]);
    sut.unsubscribe('a', { symbol: 'ETH' });
    expect(sut.wantedCurrencies('ETH')).toEqual([]);
    expect(sut.wantedCurrencies('BTC')).toEqual(['eur']);
    sut.forget('b');
    expect(sut.wantedCurrencies('BTC')).toEqual([]);
  });
});
