import { type Answer, clientsFor, PROBLEM_JSON } from './support/clients';
import { startTestApp, type TestApp } from './support/test-app';

const V1 = '/api/v1/sentiment/analyze';
const COMPAT = '/api/sentiment/analyze';
const BATCH = '/api/v1/sentiment/analyze/batch';

interface Problem {
  status: number;
  code: string;
  detail: string;
  errors: { field: string; message: string }[];
}

describe('Sentiment (e2e)', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp();
  });

  afterAll(async () => {
    await sut.close();
  });

  const { sentiment, compat, service } = clientsFor(() => sut.baseUrl);
  const routes: Record<string, (body: unknown) => Promise<Answer<unknown>>> = {
    [V1]: (body) => sentiment.analyze(body),
    [COMPAT]: (body) => compat.analyzeSentiment(body),
    [BATCH]: (body) => sentiment.analyzeBatch(body),
  };
  const post = (path: string, body: unknown) => routes[path](body);

  function expectProblem(response: Answer<unknown>, field: string, message: RegExp): void {
    const body = response.body as Problem;
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(PROBLEM_JSON);
    expect(body).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(body.errors).toEqual([{ field, message: expect.stringMatching(message) }]);
  }

  describe(`POST ${V1}`, () => {
    it('answers the label, scores, evidence and symbols', async () => {
      const response = await post(V1, { text: 'Bitcoin is surging! Great bullish momentum.' });

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const body = response.body as {
        confidence: number;
        probabilities: Record<string, number>;
        features: { kind: string; feature: string; weight: number }[];
      };
      expect(body).toEqual({
        sentiment: 'Bullish',
        confidence: expect.any(Number),
        score: expect.any(Number),
        probabilities: {
          Bullish: expect.any(Number),
          Bearish: expect.any(Number),
          Neutral: expect.any(Number),
        },
        keywords: { bullish: 3, bearish: 0, total: 3 },
        matched: [
          { term: 'surging', weight: 2.5 },
          { term: 'great', weight: 3 },
          { term: 'bullish', weight: 3 },
        ],
        symbols: ['BTC'],
        model: expect.stringMatching(/^tfn-logreg-[0-9a-f]{10}$/),
        features: expect.arrayContaining([
          { kind: expect.any(String), feature: expect.any(String), weight: expect.any(Number) },
        ]),
      });
      expect(body.confidence).toBe(body.probabilities.Bullish);
      expect(body.features.length).toBeLessThanOrEqual(5);
    });

    it('labels bearish and neutral texts', async () => {
      const bearish = await post(V1, {
        text: 'Not bullish: $ETH looks very weak after the hack 📉',
      });
      const neutral = await post(V1, { text: 'Ethereum developers meet on Thursday' });

      expect(bearish.body).toMatchObject({ sentiment: 'Bearish', symbols: ['ETH'] });
      // The score is P(Bullish) − P(Bearish) now, small but not exactly 0 without lexicon terms.
      const neutralBody = neutral.body as { score: number };
      expect(neutralBody).toMatchObject({ sentiment: 'Neutral', matched: [] });
      expect(Math.abs(neutralBody.score)).toBeLessThan(0.3);
    });

    it('accepts exactly 5,000 characters, counted as characters not UTF-16 units', async () => {
      const response = await post(V1, { text: '🚀'.repeat(5_000) });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ sentiment: 'Bullish' });
    });
  });

  it(`POST ${COMPAT} (compatibility alias) answers the same document`, async () => {
    const text = 'Exchange hacked, withdrawals halted, $SOL dumps 💀';

    const alias = await post(COMPAT, { text });
    const canonical = await post(V1, { text });

    expect(alias.status).toBe(200);
    expect(alias.body).toEqual(canonical.body);
  });

  describe.each([V1, COMPAT])('bad input on POST %s', (path) => {
    it.each([
      ['an empty text', { text: '' }, /text must not be empty or whitespace only/],
      ['a whitespace-only text', { text: ' \n\t ' }, /text must not be empty or whitespace only/],
      ['a text over 5,000 characters', { text: 'a'.repeat(5_001) }, /at most 5000 characters/],
      ['a number', { text: 42 }, /text must be a string/],
      ['an array', { text: ['bullish'] }, /text must be a string/],
      ['null', { text: null }, /text must be a string/],
      ['a missing text', {}, /text must be a string/],
    ])('rejects %s with 400 naming the field', async (_case, body, message) => {
      expectProblem(await post(path, body), 'text', message);
    });

    it('rejects unknown fields', async () => {
      expectProblem(await post(path, { text: 'fine', lang: 'en' }), 'lang', /should not exist/);
    });
  });

  describe(`POST ${BATCH}`, () => {
    it('answers every text in order with an aggregate', async () => {
      const texts = [
        'SEC approves spot Ether ETFs, ETH jumps 20%',
        'Exchange hacked, withdrawals halted 💀',
        'Bitcoin trades flat ahead of the CPI report',
      ];

      const response = await post(BATCH, { texts });
      const body = response.body as {
        results: { sentiment: string; score: number; symbols: string[] }[];
        aggregate: Record<string, number>;
      };

      expect(response.status).toBe(200);
      expect(body.results.map((r) => r.sentiment)).toEqual(['Bullish', 'Bearish', 'Neutral']);
      expect(body.results[0].symbols).toEqual(['ETH']);
      expect(body.aggregate).toEqual({
        total: 3,
        bullish: 1,
        bearish: 1,
        neutral: 1,
        mean_score: expect.any(Number),
      });
      const mean = body.results.reduce((sum, r) => sum + r.score, 0) / 3;
      expect(body.aggregate.mean_score).toBeCloseTo(mean, 3);
    });

    it('accepts 100 texts', async () => {
      const response = await post(BATCH, { texts: Array.from({ length: 100 }, () => 'moon 🚀') });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ aggregate: { total: 100, bullish: 100 } });
    });

    it.each([
      ['101 texts', { texts: Array.from({ length: 101 }, () => 'x') }, /at most 100 texts/],
      ['an empty list', { texts: [] }, /at least 1 text/],
      ['a string instead of a list', { texts: 'bullish' }, /texts must be an array of strings/],
      ['a missing list', {}, /texts must be an array of strings/],
      ['an empty item', { texts: ['ok', ''] }, /^texts\[1\] must not be empty/],
      ['a whitespace-only item', { texts: ['  '] }, /^texts\[0\] must not be empty/],
      ['an item of the wrong type', { texts: ['ok', 'ok', 7] }, /^texts\[2\] must be a string/],
      ['an item over 5,000 characters', { texts: ['b'.repeat(5_001)] }, /^texts\[0\] must be at/],
    ])('rejects %s with 400 naming the field', async (_case, body, message) => {
      expectProblem(await post(BATCH, body), 'texts', message);
    });
  });

  it('documents the routes, their limits and the alias in OpenAPI', async () => {
    const document = (await service.openApi()).body as unknown as {
      paths: Record<string, { post: { tags: string[] } }>;
      components: { schemas: Record<string, { properties: Record<string, object> }> };
    };

    expect(document.paths[V1].post.tags).toEqual(['sentiment']);
    expect(document.paths[BATCH].post.tags).toEqual(['sentiment']);
    expect(document.paths[COMPAT].post.tags).toEqual(['compatibility']);
    expect(document.components.schemas.AnalyzeSentimentDto.properties.text).toMatchObject({
      minLength: 1,
      maxLength: 5000,
      example: expect.any(String),
    });
    expect(document.components.schemas.AnalyzeSentimentBatchDto.properties.texts).toMatchObject({
      minItems: 1,
      maxItems: 100,
      items: { type: 'string', minLength: 1, maxLength: 5000 },
    });
    const analysis = document.components.schemas.SentimentAnalysisDto.properties;
    for (const field of ['symbols', 'matched', 'model', 'features', 'probabilities']) {
      expect(analysis).toHaveProperty(field);
    }
  });
});
