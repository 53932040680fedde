import { clientsFor, type Problem, PROBLEM_JSON, ProbeClient } from './support/clients';
import { startTestApp, type TestApp } from './support/test-app';

describe('HTTP surface (e2e)', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp();
  });

  afterAll(async () => {
    await sut.close();
  });

  const { api, health, market, service } = clientsFor(() => sut.baseUrl);
  const probe = new ProbeClient(api);

  it('GET / describes the API and its entry points', async () => {
    const response = await service.info();

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      name: 'crypto-market-api',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      docs: '/docs',
      health: '/health',
      websocket_test: '/ws/test',
    });
  });

  it('serves the Swagger UI at /docs and the OpenAPI document at /docs-json', async () => {
    const ui = await service.docs();
    const document = (await service.openApi()).body as unknown as {
      openapi: string;
      paths: Record<string, unknown>;
      tags: { name: string }[];
      components: { schemas: Record<string, unknown> };
    };

    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger-ui');
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/', '/health', '/health/live', '/health/ready', '/metrics']),
    );
    expect(document.tags.map((t) => t.name)).toEqual(
      expect.arrayContaining(['health', 'compatibility']),
    );
    expect(document.components.schemas).toHaveProperty('ProblemDetailsDto');
  });

  it('documents every error status with an example of that status', async () => {
    const document = (await service.openApi()).body as unknown as {
      paths: Record<
        string,
        Record<
          string,
          { responses: Record<string, { content?: Record<string, { example?: unknown }> }> }
        >
      >;
    };

    const examples = Object.values(document.paths).flatMap((operations) =>
      Object.values(operations).flatMap(({ responses }) =>
        Object.entries(responses)
          .filter(
            ([status, response]) =>
              /^\d+$/.test(status) && response.content?.['application/problem+json'],
          )
          .map(([status, response]) => ({
            status: Number(status),
            example: response.content?.['application/problem+json']?.example as
              { status: number; title: string } | undefined,
          })),
      ),
    );

    expect(examples.length).toBeGreaterThan(20);
    for (const { status, example } of examples) {
      expect({ status, exampleStatus: example?.status }).toEqual({ status, exampleStatus: status });
    }
    const price = document.paths['/api/v1/cryptocurrencies/{symbol}/price'].get.responses['404'];
    expect(price.content?.['application/problem+json']?.example).toMatchObject({
      status: 404,
      detail: "Cryptocurrency with symbol 'XYZ' not found",
    });
  });

  it('answers unknown routes with a 404 problem document carrying the request id', async () => {
    const response = await api.get<Problem>('/nope', { query: { x: 1 } });
    const body = response.body;

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(PROBLEM_JSON);
    expect(body).toMatchObject({
      type: '/problems/not-found',
      title: 'Not Found',
      status: 404,
      instance: '/nope',
      code: 'not_found',
      requestId: response.headers.get('x-request-id'),
    });
    expect(body.error).toBe(body.detail);
    expect(new Date(body.timestamp as string).getTime()).not.toBeNaN();
  });

  describe('request ids', () => {
    it('generates one when the client sends none', async () => {
      const response = await health.live();

      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('keeps a sane incoming X-Request-Id', async () => {
      const response = await api.get<Problem>('/nope', {
        headers: { 'X-Request-Id': 'trace-42.abc:1' },
      });

      expect(response.headers.get('x-request-id')).toBe('trace-42.abc:1');
      expect(response.body.requestId).toBe('trace-42.abc:1');
    });

    it('replaces an unsafe incoming X-Request-Id', async () => {
      const response = await service.info({ headers: { 'X-Request-Id': 'x'.repeat(300) } });

      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('bad input', () => {
    it('rejects an invalid body with 400 and one entry per field in errors[]', async () => {
      const response = await probe.echo({ name: '', count: 9 });
      const body = response.body as unknown as Required<Problem>;

      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(PROBLEM_JSON);
      expect(body).toMatchObject({
        code: 'validation_failed',
        type: '/problems/validation-failed',
      });
      expect(body.errors.map((e) => e.field).sort()).toEqual(['count', 'name']);
    });

    it('rejects unknown fields (no mass assignment)', async () => {
      const response = await probe.echo({ name: 'a', count: 1, isAdmin: true });
      const body = response.body as unknown as Required<Problem>;

      expect(response.status).toBe(400);
      expect(body.errors).toEqual([
        expect.objectContaining({
          field: 'isAdmin',
          message: expect.stringContaining('should not exist'),
        }),
      ]);
    });

    it('accepts a valid body', async () => {
      const response = await probe.echo({ name: 'ok', count: 2 });

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ name: 'ok', count: 2 });
    });

    it('answers malformed JSON with a 400 problem', async () => {
      const response = await probe.echo('{"name": ');

      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(PROBLEM_JSON);
    });

    it('answers a body over the size limit with a 413 problem', async () => {
      const response = await probe.echo({ name: 'x'.repeat(200_000) });

      expect(response.status).toBe(413);
      expect(response.headers.get('content-type')).toMatch(PROBLEM_JSON);
    });

    it.each(['[1, 2]', '"text"', 'null', '42'])(
      'rejects the non-object body %s with one error',
      async (body) => {
        const response = await probe.echo(body);
        const problem = response.body as unknown as Required<Problem>;

        expect(response.status).toBe(400);
        expect(problem.errors).toEqual([{ field: 'body', message: 'body must be a JSON object' }]);
      },
    );

    it('refuses a body nested deeper than 32 levels with a 400, not a stack overflow', async () => {
      const nested = '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000);

      const response = await probe.echo(nested);
      const problem = response.body as unknown as Required<Problem>;

      expect(response.status).toBe(400);
      expect(problem.errors[0].field).toBe('body');
    });

    // Answered by the router or Node's HTTP parser, before any hook: still problem+json.
    it.each([
      ['a malformed URL (lone surrogate)', '/api/v1/cryptocurrencies/%ED%A0%80', 400],
      ['a path parameter over 100 characters', `/api/v1/cryptocurrencies/${'A'.repeat(101)}`, 400],
      ['a request line over 16 KiB', `/api/v1/cryptocurrencies?search=${'9'.repeat(17_000)}`, 431],
    ])('answers %s with a problem carrying the request id', async (_case, path, status) => {
      const response = await api.get<Problem>(path);
      const problem = response.body;

      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(PROBLEM_JSON);
      expect(response.headers.get('x-request-id')).toBe(problem.requestId);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(problem.status).toBe(status);
    });

    it.each(['application/xml', 'text/plain'])(
      'answers the content type %s with a 415 problem',
      async (type) => {
        const response = await probe.echo('<xml/>', type);

        expect(response.status).toBe(415);
        expect(response.headers.get('content-type')).toMatch(PROBLEM_JSON);
      },
    );
  });

  it('answers an unexpected error with a generic 500 that leaks nothing', async () => {
    const response = await probe.boom();
    const text = response.text;

    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toMatch(PROBLEM_JSON);
    expect(JSON.parse(text)).toMatchObject({ code: 'internal_error', status: 500 });
    expect(text).not.toMatch(/hunter2|secret|\.ts:|at /);
  });

  it('sets strict security headers on API responses and a page policy on the docs', async () => {
    const info = await service.info({ headers: { Origin: 'https://example.com' } });
    const docs = await service.docs();

    expect(info.headers.get('x-content-type-options')).toBe('nosniff');
    expect(info.headers.get('x-frame-options')).toBe('DENY');
    expect(info.headers.get('strict-transport-security')).toContain('max-age=');
    expect(info.headers.get('content-security-policy')).toBe(
      "default-src 'none';frame-ancestors 'none'",
    );
    expect(docs.headers.get('content-security-policy')).toContain("default-src 'self'");
    // Pages load scripts from the service only: no inline script can run.
    expect(docs.headers.get('content-security-policy')).toMatch(/script-src 'self'(;|$)/);
  });

  it('allows cross-origin reads and exposes the API headers', async () => {
    const response = await service.info({ headers: { Origin: 'https://example.com' } });

    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
  });

  it.each([
    ['a CORS preflight', { Origin: 'https://example.com', 'Access-Control-Request-Method': 'GET' }],
    ['a plain OPTIONS request', {}],
  ])('answers %s with 204 and the request id', async (_case, headers) => {
    const response = await market.listOptions({ headers });

    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('exposes Prometheus metrics with HTTP timings by route template', async () => {
    await health.live();
    await api.get('/nope/123');

    const response = await service.metrics();
    const text = response.text;

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/health\/live",status_code="200"\} [1-9]/,
    );
    expect(text).toMatch(/route="unmatched",status_code="404"/);
    expect(text).not.toContain('/nope/123');
  });
});

describe('CORS with a list of origins (as production requires)', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp({
      env: { CORS_ORIGINS: 'https://app.example, https://admin.example' },
    });
  });

  afterAll(async () => {
    await sut.close();
  });

  const { service } = clientsFor(() => sut.baseUrl);

  it('allows a listed origin and exposes the API headers to it', async () => {
    const response = await service.info({ headers: { Origin: 'https://app.example' } });

    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(response.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
    expect(response.headers.get('access-control-expose-headers')).toContain('RateLimit');
    expect(response.headers.get('vary')).toContain('Origin');
  });

  it('allows nothing to an origin not listed', async () => {
    const response = await service.info({ headers: { Origin: 'https://evil.example' } });

    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sends no CORS headers to a request without Origin, and says the answer varies by it', async () => {
    const response = await service.info();

    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-expose-headers')).toBeNull();
    expect(response.headers.get('vary')).toContain('Origin');
  });
});
