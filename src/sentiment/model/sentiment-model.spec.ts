import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SentimentModelError, type SentimentModelFile } from './model-file';
import { loadSentimentModel, SentimentModel } from './sentiment-model';
import { LEXICON_FEATURES } from './text-features';

function modelFile(overrides: Partial<SentimentModelFile> = {}): SentimentModelFile {
  return {
    format: 1,
    version: 'tfn-logreg-0123456789',
    labels: ['Bullish', 'Bearish', 'Neutral'],
    temperature: 1,
    training: {},
    bias: [0, 0, 1],
    lexicon: Object.fromEntries(LEXICON_FEATURES.map((name) => [name, [0, 0, 0]])),
    features: {
      'w:raised': [2, -1, 0],
      'p:target raised': [1, 0, 0],
      'c:cut ': [-1, 2, 0],
    },
    ...overrides,
  };
}

const dense = (score = 0) => LEXICON_FEATURES.map((name) => (name === 'lexicon:score' ? score : 0));

describe(SentimentModel.name, () => {
  it('scores known features, ignores unknown ones, and answers softmax probabilities', () => {
    const sut = new SentimentModel(modelFile());

    const result = sut.predict({
      words: new Set(['w:raised', 'p:target raised', 'w:unseen', 'w:other']),
      chars: new Set(),
      dense: dense(),
    });

    // Four words, each 1/√4 = 0.5. Logits: Bullish (2 + 1)·0.5 = 1.5, Bearish −0.5, Neutral 1.
    const total = Math.exp(1.5) + Math.exp(-0.5) + Math.exp(1);
    expect(result.label).toBe('Bullish');
    expect(result.probabilities[0]).toBeCloseTo(Math.exp(1.5) / total, 12);
    expect(result.probabilities[1]).toBeCloseTo(Math.exp(-0.5) / total, 12);
  });

  it('divides logits by the temperature', () => {
    const sut = new SentimentModel(modelFile({ temperature: 2 }));

    const result = sut.predict({ words: new Set(), chars: new Set(['c:cut ']), dense: dense() });

    // Logits: Bullish −1, Bearish 2, Neutral 1, halved.
    const total = Math.exp(-0.5) + Math.exp(1) + Math.exp(0.5);
    expect(result.label).toBe('Bearish');
    expect(result.probabilities[1]).toBeCloseTo(Math.exp(1) / total, 12);
  });

  it('explains a label by the features that pushed towards it, strongest first', () => {
    const lexicon = Object.fromEntries(LEXICON_FEATURES.map((name) => [name, [0, 0, 0]]));
    lexicon['lexicon:score'] = [3, -3, 0];
    const sut = new SentimentModel(modelFile({ lexicon }));

    const result = sut.predict(
      {
        words: new Set(['w:raised', 'p:target raised']),
        chars: new Set(['c:cut ']),
        dense: dense(0.5),
      },
      2,
    );

    // Pushes towards Bullish against the mean label: score 0.5·3 = 1.5, the word
    // (2 − 1/3)/√2 = 1.179, the pair (1 − 1/3)/√2 = 0.471; the pieces push the other way.
    expect(result.label).toBe('Bullish');
    expect(result.strongest).toEqual([
      { kind: 'lexicon', feature: 'lexicon:score', weight: 1.5 },
      { kind: 'word', feature: 'raised', weight: 1.179 },
    ]);
    expect(
      sut.predict({ words: new Set(['c:none']), chars: new Set(), dense: dense() }, 5).strongest,
    ).toEqual([]);
  });

  it('scores texts with more active features than its scratch space holds', () => {
    const keys = Array.from({ length: 1_500 }, (_, i) => `w:k${i}`);
    const sut = new SentimentModel(
      modelFile({
        features: Object.fromEntries(keys.map((key, i) => [key, [i % 3 === 0 ? 1 : 0, 0, 0]])),
      }),
    );

    const result = sut.predict({ words: new Set(keys), chars: new Set(), dense: dense() }, 2);

    // 500 of the 1,500 words push Bullish by (1 − 1/3)/√1500 each: logits 500/√1500, 0, 1.
    const bullish = 500 / Math.sqrt(1_500);
    expect(result.probabilities[0]).toBeCloseTo(
      Math.exp(bullish) / (Math.exp(bullish) + 1 + Math.exp(1)),
      12,
    );
    expect(result.strongest.map((f) => f.feature)).toEqual(['k0', 'k3']);
  });

  it.each<[string, Partial<SentimentModelFile>, RegExp]>([
    ['an unknown format', { format: 2 }, /format must be 1/],
    ['a bad version', { version: 'latest' }, /version must look like/],
    ['labels in another order', { labels: ['Bearish', 'Bullish', 'Neutral'] }, /labels must be/],
    ['a zero temperature', { temperature: 0 }, /temperature must be a positive number/],
    ['a short weight row', { features: { 'w:up': [1, 2] } }, /features\["w:up"\] must be 3 finite/],
    ['an unknown feature kind', { features: { 'x:up': [1, 2, 3] } }, /"x:up" has an unknown kind/],
    ['a missing lexicon weight', { lexicon: {} }, /lexicon\["lexicon:score"\] must be 3/],
  ])('refuses a model file with %s', (_case, overrides, message) => {
    expect(() => new SentimentModel(modelFile(overrides))).toThrow(SentimentModelError);
    expect(() => new SentimentModel(modelFile(overrides))).toThrow(message);
  });

  it('loads the shipped model, and names an unreadable file', () => {
    const shipped = loadSentimentModel();
    const missing = join(mkdtempSync(join(tmpdir(), 'model-')), 'absent.json');
    const broken = join(mkdtempSync(join(tmpdir(), 'model-')), 'broken.json');
    writeFileSync(broken, '{"format": 1,');

    expect(shipped.version).toMatch(/^tfn-logreg-[0-9a-f]{10}$/);
    expect(shipped.featureCount).toBeGreaterThan(10_000);
    expect(() => loadSentimentModel(missing)).toThrow(/absent\.json could not be read/);
    expect(() => loadSentimentModel(broken)).toThrow(SentimentModelError);
  });
});
