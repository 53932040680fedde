import type { NormalisedAsset } from './market-data-provider';
import {
  assetProblems,
  printable,
  printableJson,
  safeImageUrl,
  storableText,
} from './record-checks';

const RECEIVED = new Date('2026-11-20T10:00:00Z');
const anAsset = (changes: Partial<NormalisedAsset> = {}): NormalisedAsset => ({
  symbol: 'BTC',
  name: 'Bitcoin',
  source: 'coingecko',
  currentPrice: 97_000,
  marketCap: 1.9e12,
  totalVolume: 4.8e10,
  high24h: 97_900,
  low24h: 95_100,
  priceChangePercentage24h: -1.4,
  marketCapRank: 1,
  lastUpdated: new Date('2026-11-20T09:59:00Z'),
  ...changes,
});

describe(assetProblems.name, () => {
  it('passes a sound record', () => {
    expect(assetProblems(anAsset(), RECEIVED)).toEqual([]);
  });

  it.each<[Partial<NormalisedAsset>, string]>([
    [{ currentPrice: 0 }, 'price 0 is not positive'],
    [{ currentPrice: -1 }, 'price -1 is not positive'],
    [{ currentPrice: Infinity }, 'price Infinity is not a finite number'],
    [{ marketCap: -5_000_000 }, 'market_cap -5000000 is below 0'],
    [{ totalVolume: -7 }, 'total_volume -7 is below 0'],
    [{ circulatingSupply: -1 }, 'circulating_supply -1 is below 0'],
    [{ fullyDilutedValuation: 1.7e308 }, 'fully_diluted_valuation 1.7e+308 is above 1e+24'],
    [{ priceChangePercentage24h: -1e300 }, 'change_24h -1e+300 is below -100'],
    [{ marketCapRank: -3 }, 'rank -3 is not a whole number ≥ 1'],
    [{ marketCapRank: 1.5 }, 'rank 1.5 is not a whole number ≥ 1'],
    [{ low24h: 98_000 }, 'low_24h 98000 is above high_24h 97900'],
    [
      { athDate: new Date('-271821-04-20T00:00:00Z') },
      'ath_date -271821-04-20T00:00:00.000Z is before 2009',
    ],
    [
      { lastUpdated: new Date('9999-12-31T00:00:00Z') },
      'last_updated 9999-12-31T00:00:00.000Z is in the future',
    ],
    [{ name: 'Bad\u0000Coin' }, 'name contains a control character or broken Unicode'],
    [{ name: 'Half \ud800 a pair' }, 'name contains a control character or broken Unicode'],
  ])('rejects %o: %s', (changes, reason) => {
    expect(assetProblems(anAsset(changes), RECEIVED)).toEqual([reason]);
  });

  it('allows a provider clock a few minutes ahead of ours', () => {
    const ahead = new Date(RECEIVED.getTime() + 4 * 60_000);
    expect(assetProblems(anAsset({ lastUpdated: ahead }), RECEIVED)).toEqual([]);
  });

  it('names every problem of a record at once', () => {
    expect(assetProblems(anAsset({ marketCap: -1, totalVolume: -1 }), RECEIVED)).toHaveLength(2);
  });
});

describe(storableText.name, () => {
  it('accepts any well-formed text, emoji included, and refuses NUL and lone surrogates', () => {
    expect(storableText('Ethereum Ξ 🚀 — “quoted”')).toBe(true);
    expect(storableText('a\u0000b')).toBe(false);
    expect(storableText('\udc00 alone')).toBe(false);
    expect(printable('a\u0000b\ud800')).toBe('a\ufffdb\ufffd');
    expect(printableJson({ rejected: [{ reason: 'x\u0000' }] })).toEqual({
      rejected: [{ reason: 'x\ufffd' }],
    });
  });
});

describe(safeImageUrl.name, () => {
  it('keeps http(s) URLs only', () => {
    expect(safeImageUrl('https://coin-images.coingecko.com/coins/images/1/large/bitcoin.png')).toBe(
      'https://coin-images.coingecko.com/coins/images/1/large/bitcoin.png',
    );
    expect(safeImageUrl('javascript:alert(3)')).toBeNull();
    expect(safeImageUrl('data:image/png;base64,AAAA')).toBeNull();
    expect(safeImageUrl('not a url')).toBeNull();
    expect(safeImageUrl(null)).toBeNull();
  });
});
