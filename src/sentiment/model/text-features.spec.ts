import { loadCryptoLexicon } from '../lexicon/lexicon';
import { SentimentAnalyzer } from '../sentiment-analyzer';
import {
  LEXICON_FEATURES,
  lexiconFeatures,
  normalisedWords,
  sparseFeatures,
} from './text-features';

describe('text features', () => {
  const analyzer = new SentimentAnalyzer(loadCryptoLexicon());

  it('reads words by clause, without links, tickers generic and digits as 0', () => {
    expect(normalisedWords('$TSLA price target raised to $350. Buy! https://t.co/AbC123')).toEqual([
      ['$tag', 'price', 'target', 'raised', 'to', '000'],
      ['buy'],
    ]);
  });

  it('pairs adjacent words within a clause only', () => {
    const keys = [...sparseFeatures('Outlook cut, shares fall').keys()];

    expect(keys).toEqual(expect.arrayContaining(['w:outlook', 'p:outlook cut', 'p:shares fall']));
    expect(keys).not.toContain('p:cut shares');
  });

  it('takes 3–5 character pieces of each word with its edges marked', () => {
    const chars = [...sparseFeatures('cut').keys()].filter((key) => key.startsWith('c:'));

    expect(chars.sort()).toEqual(['c: cu', 'c: cut', 'c: cut ', 'c:cut', 'c:cut ', 'c:ut '].sort());
  });

  it('scales words and pieces each to unit length', () => {
    const features = sparseFeatures('stock upgraded');
    const norm = (prefixes: string[]) =>
      [...features]
        .filter(([key]) => prefixes.some((prefix) => key.startsWith(prefix)))
        .reduce((sum, [, value]) => sum + value * value, 0);

    expect(norm(['w:', 'p:'])).toBeCloseTo(1, 12);
    expect(norm(['c:'])).toBeCloseTo(1, 12);
  });

  it('turns the lexicon verdict into numbers, with crypto copies only for crypto texts', () => {
    const crypto = lexiconFeatures(analyzer.analyze('Bitcoin is surging, very bullish'));
    const equity = lexiconFeatures(analyzer.analyze('Tesla is surging, very bullish'));
    const plain = lexiconFeatures(analyzer.analyze('Board meeting on Tuesday'));
    const at = (name: (typeof LEXICON_FEATURES)[number]) => LEXICON_FEATURES.indexOf(name);

    expect(crypto).toHaveLength(LEXICON_FEATURES.length);
    expect(crypto[at('lexicon:score')]).toBeGreaterThan(0.5);
    expect(crypto[at('lexicon:bearish')]).toBe(0);
    expect(crypto[at('crypto:score')]).toBe(crypto[at('lexicon:score')]);
    expect(crypto[at('crypto:asset')]).toBe(1);
    expect(equity[at('lexicon:score')]).toBe(crypto[at('lexicon:score')]);
    expect(equity[at('crypto:score')]).toBe(0);
    expect(equity[at('crypto:asset')]).toBe(0);
    expect(plain[at('lexicon:none')]).toBe(1);
  });
});
