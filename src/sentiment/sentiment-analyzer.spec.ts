import { buildLexicon, loadCryptoLexicon, parseCryptoLexicon } from './lexicon/lexicon';
import cryptoLexiconJson from './lexicon/crypto-lexicon.json';
import { SentimentAnalyzer } from './sentiment-analyzer';

describe(SentimentAnalyzer.name, () => {
  const sut = new SentimentAnalyzer(loadCryptoLexicon());
  const weightOf = (text: string): number =>
    sut.analyze(text).matched.reduce((sum, term) => sum + term.weight, 0);

  describe('labels', () => {
    it('labels rising-price news Bullish with the matched terms', () => {
      const result = sut.analyze('Bitcoin is surging! Great bullish momentum.');

      expect(result).toEqual({
        sentiment: 'Bullish',
        confidence: expect.any(Number),
        score: expect.any(Number),
        keywords: { bullish: 3, bearish: 0, total: 3 },
        matched: [
          { term: 'surging', weight: 2.5 },
          { term: 'great', weight: 3 },
          { term: 'bullish', weight: 3 },
        ],
        symbols: ['BTC'],
        crypto: true,
      });
      expect(result.score).toBeGreaterThan(0.8);
      expect(result.confidence).toBeGreaterThan(0.85);
    });

    it('labels hacks, delistings and liquidations Bearish', () => {
      for (const text of [
        'Exchange hacked, $200M drained from hot wallets',
        'Binance to delist the token next week',
        'Longs liquidated as BTC crashes',
        '$LUNA is going to zero, complete rug pull',
      ]) {
        expect(sut.analyze(text)).toMatchObject({ sentiment: 'Bearish' });
      }
    });

    it('labels factual and scheduling text Neutral with no matched terms', () => {
      const result = sut.analyze('Ethereum developers schedule the next call for Thursday');

      expect(result).toMatchObject({
        sentiment: 'Neutral',
        score: 0,
        keywords: { bullish: 0, bearish: 0, total: 0 },
        matched: [],
        symbols: ['ETH'],
      });
    });

    it('uses market meanings over general English ones', () => {
      expect(sut.analyze('BTC holds support at 60k').sentiment).toBe('Bullish');
      expect(sut.analyze('Kraken adds support for withdrawals on Base').sentiment).toBe('Neutral');
      expect(sut.analyze('Whales are dumping').matched).toEqual([
        { term: 'dumping', weight: -2.5 },
      ]);
    });
  });

  describe('negation', () => {
    it('flips a term preceded by a negator', () => {
      expect(sut.analyze('ETH is not bullish')).toMatchObject({
        sentiment: 'Bearish',
        matched: [{ term: 'not bullish', weight: -2.22 }],
      });
      expect(sut.analyze('Not bearish at all on ETH here').sentiment).toBe('Bullish');
    });

    it('reaches up to three words ahead and understands contractions', () => {
      expect(sut.analyze("BTC isn't looking bullish").matched).toEqual([
        { term: "isn't looking bullish", weight: -2.22 },
      ]);
      expect(sut.analyze('BTC don’t look bearish').sentiment).toBe('Bullish');
      expect(sut.analyze('not that I think it looks bullish').matched[0].weight).toBe(3);
    });

    it('stops at a clause break', () => {
      expect(sut.analyze('Not sure. Bullish').matched).toEqual([{ term: 'bullish', weight: 3 }]);
    });
  });

  describe('intensifiers', () => {
    it('scale the next term up or down', () => {
      const plain = weightOf('ETH is bullish');

      expect(weightOf('ETH is very bullish')).toBeGreaterThan(plain);
      expect(weightOf('ETH is extremely bullish')).toBeGreaterThan(weightOf('ETH is very bullish'));
      expect(weightOf('ETH is slightly bullish')).toBeLessThan(plain);
      expect(sut.analyze('very very bullish').matched).toEqual([
        { term: 'very very bullish', weight: 6.75 },
      ]);
    });

    it('soften rather than strengthen a negated term', () => {
      expect(weightOf('not very bullish')).toBeLessThan(0);
      expect(weightOf('not very bullish')).toBeGreaterThan(weightOf('not bullish'));
    });

    it('apply only when adjacent to the term', () => {
      expect(weightOf('very much bullish')).toBe(3);
    });
  });

  describe('emoji', () => {
    it('scores market emoji, also when glued to words', () => {
      expect(sut.analyze('🚀🚀')).toMatchObject({
        sentiment: 'Bullish',
        keywords: { bullish: 2, bearish: 0, total: 2 },
      });
      expect(sut.analyze('📉💀')).toMatchObject({ sentiment: 'Bearish' });
      expect(sut.analyze('wen lambo🚀📈').matched.map((m) => m.term)).toEqual(['🚀', '📈']);
    });

    it('overrides the general emoji ranking where markets disagree', () => {
      expect(sut.analyze('📉').matched).toEqual([{ term: '📉', weight: -2.5 }]);
    });
  });

  describe('symbols', () => {
    it('maps cashtags, coin names and capitalised tickers to symbols, first mention first', () => {
      const result = sut.analyze('$btc and $PEPE, ether and Bitcoin Cash, then SOL and Bitcoin');

      expect(result.symbols).toEqual(['BTC', 'PEPE', 'ETH', 'BCH', 'SOL']);
    });

    it('flags a text as crypto only when it names an asset of the lexicon', () => {
      expect(sut.analyze('$PEPE and $SOL').crypto).toBe(true);
      expect(sut.analyze('$TSLA and $AAPL rally').crypto).toBe(false);
      expect(sut.analyze('sol y sombra').crypto).toBe(false);
    });

    it('ignores dollar amounts and lower-case words that only look like tickers', () => {
      expect(sut.analyze('sol y sombra for $70,000 or $5M').symbols).toEqual([]);
    });

    it('reads possessives and pairs', () => {
      expect(sut.analyze("Bitcoin's dominance, ETH/BTC ratio").symbols).toEqual(['BTC', 'ETH']);
    });
  });

  describe('phrases and forms', () => {
    it('matches multi-word terms across hyphens and prefers the longest', () => {
      expect(sut.analyze('New all-time high for ETH').matched).toEqual([
        { term: 'all time high', weight: 2.5 },
      ]);
      expect(sut.analyze('Classic pump and dump').matched).toEqual([
        { term: 'pump and dump', weight: -3 },
      ]);
    });

    it('matches inflected forms of a lexicon word', () => {
      expect(sut.analyze('SOL rallies, DOGE rallied').matched).toEqual([
        { term: 'rallies', weight: 2.5 },
        { term: 'rallied', weight: 2.5 },
      ]);
    });

    it('counts "up"/"down" only as price moves of at least 1', () => {
      expect(sut.analyze('ETH up 12% today').matched).toEqual([{ term: 'up 12', weight: 2 }]);
      expect(sut.analyze('BTC down 0.3%').matched).toEqual([]);
      expect(sut.analyze('Set up a wallet').matched).toEqual([]);
    });
  });

  describe('mixed texts', () => {
    it('weighs what follows "but" over what precedes it', () => {
      const result = sut.analyze('Hack drained $5M but price already recovered to new highs');

      expect(result.sentiment).toBe('Bullish');
      expect(result.keywords).toEqual({ bullish: 2, bearish: 2, total: 4 });
      expect(result.matched[0]).toEqual({ term: 'hack', weight: -1.75 });
    });

    it('discounts what is conceded after "despite"', () => {
      expect(sut.analyze('Bitcoin plunges despite ETF inflows')).toMatchObject({
        sentiment: 'Bearish',
        matched: [
          { term: 'plunges', weight: -3 },
          { term: 'inflows', weight: 1 },
        ],
      });
      expect(sut.analyze('Bitcoin rallies despite ETF outflows').sentiment).toBe('Bullish');
    });

    it('is Neutral with low confidence when the evidence cancels out', () => {
      const result = sut.analyze('Breakout on SOL, breakdown on ETH');

      expect(result).toMatchObject({ sentiment: 'Neutral', score: 0 });
      expect(result.confidence).toBe(0.5);
    });
  });

  describe('scores', () => {
    it('keeps score in -1..1 and confidence in 0.5..1 however strong the text', () => {
      const strong = sut.analyze('🚀 '.repeat(500));
      const weak = sut.analyze('slightly higher');

      expect(strong.score).toBeLessThanOrEqual(1);
      expect(strong.confidence).toBeLessThanOrEqual(1);
      expect(weak.confidence).toBeGreaterThanOrEqual(0.5);
      expect(sut.analyze('💀 '.repeat(500)).score).toBeGreaterThanOrEqual(-1);
    });

    it('is deterministic', () => {
      const text = 'Not bullish on alts, but $BTC looks very strong 🚀';

      expect(sut.analyze(text)).toEqual(sut.analyze(text));
    });
  });

  it('picks up terms added to the lexicon data', () => {
    const lexicon = parseCryptoLexicon(cryptoLexiconJson);
    const extended = new SentimentAnalyzer(
      buildLexicon({ ...lexicon, terms: { ...lexicon.terms, 'wen lambo': 2 } }),
    );

    expect(sut.analyze('wen lambo').sentiment).toBe('Neutral');
    expect(extended.analyze('wen lambo').sentiment).toBe('Bullish');
  });
});
