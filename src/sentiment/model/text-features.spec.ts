import { loadCryptoLexicon } from '../lexicon/lexicon';
import { SentimentAnalyzer } from '../sentiment-analyzer';
import {
  groupValue,
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
    const keys = [...sparseFeatures('Outlook cut, shares fall').words];

    expect(keys).toEqual(expect.arrayContaining(['w:outlook', 'p:outlook cut', 'p:shares fall']));
    expect(keys).not.toContain('p:cut shares');
  });

  it('takes 3–5 character pieces of each word with its edges marked', () => {
    const { words, chars: pieces } = sparseFeatures('cut');
    const chars = [...pieces];

    expect([...words]).toEqual(['w:cut']);

    expect(chars.sort()).toEqual(['c: cu', 'c: cut', 'c: cut ', 'c:cut', 'c:cut ', 'c:ut '].sort());
  });

  it('gives each key of a group the value that scales the group to unit length', () => {
    const { words, chars } = sparseFeatures('stock upgraded, stock');

    expect([...words].sort()).toEqual(['p:stock upgraded', 'w:stock', 'w:upgraded']);
    expect(groupValue(words)).toBeCloseTo(1 / Math.sqrt(3), 12);
    expect(groupValue(chars) ** 2 * chars.size).toBeCloseTo(1, 12);
    expect(groupValue(new Set())).toBe(0);
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
