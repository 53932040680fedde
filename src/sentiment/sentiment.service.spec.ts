import { loadSentimentClassifier } from './sentiment-classifier';
import { SentimentService } from './sentiment.service';

describe(SentimentService.name, () => {
  const sut = new SentimentService(loadSentimentClassifier());

  it('answers a batch in request order with counts per label and the mean score', () => {
    const texts = ['ETH breaks out 🚀', 'Exchange hacked 💀', 'Fees were 8 gwei', 'Bullish!'];

    const result = sut.analyzeBatch(texts);

    expect(result.results.map((r) => r.sentiment)).toEqual([
      'Bullish',
      'Bearish',
      'Neutral',
      'Bullish',
    ]);
    expect(result.results[1]).toEqual(sut.analyze(texts[1]));
    const mean = result.results.reduce((sum, r) => sum + r.score, 0) / texts.length;
    expect(result.aggregate).toEqual({
      total: 4,
      bullish: 2,
      bearish: 1,
      neutral: 1,
      mean_score: Math.round(mean * 1000) / 1000,
    });
  });

  it('reports a mean score of 0 for an empty batch', () => {
    expect(sut.analyzeBatch([]).aggregate).toEqual({
      total: 0,
      bullish: 0,
      bearish: 0,
      neutral: 0,
      mean_score: 0,
    });
  });
});
