import { loadAppConfig } from '../../config/app-config';
import { CsvProvider } from './csv.provider';

const fetched = (text: string) => ({
  source: 'csv' as const,
  fetchedAt: new Date('2026-11-22T10:00:00Z'),
  payload: { text },
});

describe(CsvProvider.name, () => {
  const sut = new CsvProvider(loadAppConfig({}));

  it('reads a file with a BOM, CRLF line ends, quoting and blank lines', async () => {
    const text =
      '\uFEFFSymbol,Name,Price,Market Cap,Volume\r\n\r\nbtc,"Bitcoin, the original",97000.5,"1,900,000",12\r\n\r\n' +
      'ETH,Ethereum,3500,,\r\n';

    const batch = await sut.normalise(fetched(text));

    expect(batch.rejected).toEqual([]);
    expect(batch.assets).toEqual([
      expect.objectContaining({
        symbol: 'BTC',
        name: 'Bitcoin, the original',
        currentPrice: 97000.5,
        marketCap: 1_900_000,
        totalVolume: 12,
        source: 'csv',
      }),
      expect.objectContaining({
        symbol: 'ETH',
        currentPrice: 3500,
        marketCap: null,
        totalVolume: null,
      }),
    ]);
    expect(batch.snapshots.map((s) => [s.symbol, s.price, s.timestamp.toISOString()])).toEqual([
      ['BTC', 97000.5, '2026-11-22T10:00:00.000Z'],
      ['ETH', 3500, '2026-11-22T10:00:00.000Z'],
    ]);
  });

  it('uses the optional known columns', async () => {
    const batch = await sut.normalise(
      fetched(
        'symbol,name,price_usd,market_cap,volume_24h,change_24h,rank,circulating_supply,max_supply,last_updated\n' +
          'SOL,Solana,210,1e11,5e9,-2.5,6,481600000,,2026-11-20T00:00:00Z\n',
      ),
    );

    expect(batch.assets[0]).toMatchObject({
      marketCap: 1e11,
      totalVolume: 5e9,
      priceChangePercentage24h: -2.5,
      marketCapRank: 6,
      circulatingSupply: 481600000,
      maxSupply: null,
      lastUpdated: new Date('2026-11-20T00:00:00Z'),
    });
  });

  it('rejects bad rows one by one, with their line numbers, and keeps the good ones', async () => {
    const text = [
      'symbol,name,price_usd,market_cap,last_updated',
      'BTC,Bitcoin,97000,,',
      'B-TC,Bad Symbol,1,,',
      'ETH,Ethereum,abc,,',
      '',
      'SOL,Solana,-5,,',
      'ADA,Cardano,0.9,-1,',
      'DOT,Polkadot,7,,yesterday',
      'BTC,Bitcoin again,1,,',
      'XRP,,2,,',
    ].join('\n');

    const batch = await sut.normalise(fetched(text));

    expect(batch.assets.map((a) => a.symbol)).toEqual(['BTC']);
    expect(batch.rejected).toEqual([
      { at: 'line 3', reason: "symbol 'B-TC' is not 1–20 letters or digits" },
      { at: 'line 4', reason: "price_usd 'abc' is not a valid number ≥ 0" },
      { at: 'line 6', reason: "price_usd '-5' is not a valid number ≥ 0" },
      { at: 'line 7', reason: "market_cap '-1' is not a valid number ≥ 0" },
      { at: 'line 8', reason: "last_updated 'yesterday' is not a date" },
      { at: 'line 9', reason: 'duplicate symbol BTC' },
      { at: 'line 10', reason: 'name must be 1–200 characters' },
    ]);
  });

  it('refuses a file without the required columns, naming them', async () => {
    await expect(sut.normalise(fetched('symbol,title,cost\nBTC,Bitcoin,1\n'))).rejects.toThrow(
      'CSV is missing required column(s): name, price_usd',
    );
  });

  it('refuses a malformed file (unclosed quote)', async () => {
    await expect(
      sut.normalise(fetched('symbol,name,price_usd\n"BTC,Bitcoin,1\n')),
    ).rejects.toThrow();
  });

  it('ships a bundled file with at least the top 20 assets, all valid', async () => {
    const batch = await sut.normalise(await sut.fetch(AbortSignal.timeout(5_000)));

    expect(batch.rejected).toEqual([]);
    expect(batch.assets.length).toBeGreaterThanOrEqual(20);
    expect(batch.assets.map((a) => a.symbol)).toEqual(
      expect.arrayContaining(['BTC', 'ETH', 'SOL', 'XRP']),
    );
  });
});
