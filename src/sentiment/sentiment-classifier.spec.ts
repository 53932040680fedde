import { SENTIMENT_LABELS } from './sentiment-analyzer';
import { loadSentimentClassifier, SentimentClassifier } from './sentiment-classifier';

describe(SentimentClassifier.name, () => {
  const sut = loadSentimentClassifier();

  it('reads directional market news that has no lexicon word', () => {
    expect(sut.analyze('$AAPL price target raised to $350 at Morgan Stanley')).toMatchObject({
      sentiment: 'Bullish',
      matched: [],
    });
    expect(sut.analyze('Peloton downgraded to underperform').sentiment).toBe('Bearish');
    expect(sut.analyze('Company pulls its full-year outlook').sentiment).toBe('Bearish');
    expect(sut.analyze('Board meeting scheduled for Tuesday').sentiment).toBe('Neutral');
  });

  it('answers the calibrated probabilities, the chosen one as confidence', () => {
    const result = sut.analyze('Bitcoin is surging! Great bullish momentum.');
    const { Bullish, Bearish, Neutral } = result.probabilities;

    expect(result.sentiment).toBe('Bullish');
    expect(Bullish + Bearish + Neutral).toBeCloseTo(1, 2);
    expect(result.confidence).toBe(Bullish);
    expect(Bullish).toBeGreaterThan(Math.max(Bearish, Neutral));
    expect(result.score).toBeCloseTo(Bullish - Bearish, 2);
  });

  it('keeps the lexicon evidence and adds the strongest model features', () => {
    const result = sut.analyze('Not bullish: $ETH looks very weak after the hack 📉');

    expect(result.sentiment).toBe('Bearish');
    expect(result.symbols).toEqual(['ETH']);
    expect(result.matched.map((m) => m.term)).toContain('hack');
    expect(result.model).toMatch(/^tfn-logreg-[0-9a-f]{10}$/);
    expect(result.features.length).toBeGreaterThan(0);
    expect(result.features.length).toBeLessThanOrEqual(5);
    const weights = result.features.map((f) => f.weight);
    expect(weights).toEqual([...weights].sort((a, b) => b - a));
    expect(Math.min(...weights)).toBeGreaterThan(0);
  });

  it('is deterministic and labels every text with one of the three labels', () => {
    const texts = ['🚀🚀🚀', 'x', 'Fed holds rates steady', '💀 '.repeat(2_500)];

    for (const text of texts) {
      const result = sut.analyze(text);
      expect(SENTIMENT_LABELS).toContain(result.sentiment);
      expect(result.confidence).toBeGreaterThanOrEqual(1 / 3 - 0.001);
      expect(sut.analyze(text)).toEqual(result);
    }
  });
});
