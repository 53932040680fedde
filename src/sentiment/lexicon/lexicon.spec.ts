import cryptoLexiconJson from './crypto-lexicon.json';
import { LexiconError, buildLexicon, parseCryptoLexicon } from './lexicon';

function rawLexicon(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    terms: { bullish: 3, 'rug pull': -4 },
    moves: { up: 2 },
    emoji: { '🚀': 3 },
    negators: ['never'],
    intensifiers: { very: 1.5 },
    contrast: ['but'],
    concession: ['despite'],
    assets: { BTC: ['bitcoin'], BCH: ['bitcoin cash'] },
    ...overrides,
  };
}

describe(parseCryptoLexicon.name, () => {
  it('accepts the shipped crypto-lexicon.json', () => {
    const sut = parseCryptoLexicon(cryptoLexiconJson);

    expect(Object.keys(sut.terms).length).toBeGreaterThan(100);
    expect(sut.terms).toMatchObject({ moon: expect.any(Number), 'rug pull': expect.any(Number) });
    expect(sut.assets.BTC).toContain('bitcoin');
  });

  it('rejects weights outside -5..5 and non-numbers, naming each entry', () => {
    const act = () =>
      parseCryptoLexicon(
        rawLexicon({ terms: { moon: 9, dump: '-2' }, intensifiers: { very: -1 } }),
      );

    expect(act).toThrow(LexiconError);
    expect(act).toThrow(/terms\["moon"\] must be a number from -5 to 5/);
    expect(act).toThrow(/terms\["dump"\]/);
    expect(act).toThrow(/intensifiers\["very"\] must be a number from 0 to 3/);
  });

  it('rejects terms the tokenizer would never produce', () => {
    const act = () =>
      parseCryptoLexicon(rawLexicon({ terms: { 'All-Time High': 2, 'to  the moon': 3 } }));

    expect(act).toThrow(/"All-Time High" must be one or more lower-case token/);
    expect(act).toThrow(/"to {2}the moon"/);
  });

  it('rejects malformed emoji, symbols, names and sections', () => {
    const act = () =>
      parseCryptoLexicon(
        rawLexicon({
          emoji: { rocket: 3 },
          assets: { btc: ['bitcoin'], ETH: 'ether' },
          negators: 'not',
        }),
      );

    expect(act).toThrow(/emoji: "rocket"/);
    expect(act).toThrow(/assets: "btc" must be 2-10 capitals or digits/);
    expect(act).toThrow(/assets\["ETH"\] must be an array of names/);
    expect(act).toThrow(/negators must be an array of strings/);
  });

  it('rejects a document that is not an object', () => {
    expect(() => parseCryptoLexicon([])).toThrow(/the lexicon must be a JSON object/);
  });
});

describe(buildLexicon.name, () => {
  const sut = buildLexicon(parseCryptoLexicon(rawLexicon()));

  it('indexes phrases by first token, longest first', () => {
    expect(sut.phrases.get('rug')?.map((p) => p.text)).toEqual(['rug pull']);
    expect(sut.assetPhrases.get('bitcoin')?.map((p) => p.value)).toEqual(['BCH']);
    expect(sut.assetNames.get('bitcoin')).toBe('BTC');
  });

  it('keeps the general lexicons beside the crypto layer and adds the package negators', () => {
    expect(sut.general.get('great')).toBe(3);
    expect(sut.market.get('bullish')).toBe(3);
    expect([...sut.negators]).toEqual(expect.arrayContaining(['not', "don't", 'never']));
  });
});
