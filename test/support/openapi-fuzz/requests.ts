// Requests: one operation's generated cases, and the method swaps of its path.
import fc from 'fast-check';
import {
  type OpenApiDocument,
  type Operation,
  type ParameterObject,
  type Schema,
  documentedElsewhere,
  resolveRef,
  undeclaredMethods,
} from './document';
import {
  type Encoded,
  type FuzzContext,
  encode,
  headerValue,
  invalidForSchema,
  validForParameter,
} from './values';

export interface FuzzRequest {
  method: string;
  /** Encoded path and query string, as sent. */
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Method swap: the document declares no such operation on the path. */
  swapped?: boolean;
}

/** How a parameter is sent in one case: valid cases only omit or send valid values. */
const MODES = {
  required: { valid: ['valid'], hostile: ['valid', 'invalid', 'invalid'] },
  optional: {
    valid: ['omit', 'valid', 'valid'],
    hostile: ['omit', 'valid', 'invalid', 'invalid', 'repeated'],
  },
} as const;

function parameterArbitrary(param: ParameterObject, ctx: FuzzContext, hostile: boolean) {
  const valid = validForParameter(param, ctx);
  const invalid = invalidForSchema(param.schema ?? {});
  // Path parameters are always sent; a required query parameter is left out by hostile cases.
  const optional = param.in !== 'path' && (hostile || !param.required);
  const modes = MODES[optional ? 'optional' : 'required'][hostile ? 'hostile' : 'valid'];
  return fc.constantFrom(...modes).chain((mode) => {
    switch (mode) {
      case 'omit':
        return fc.constant<Encoded[]>([]);
      case 'valid':
        return valid.map((v) => [v]);
      case 'invalid':
        return invalid.map((v) => [v]);
      case 'repeated':
        return fc.tuple(valid, fc.oneof(valid, invalid));
    }
  });
}

const EXTRA_QUERY = fc.constantFrom(
  'is_admin=true',
  '__proto__=1',
  '__proto__[admin]=1',
  'constructor=x',
  'constructor.prototype.x=1',
  'toString=1',
  '%00=1',
  '=1',
  '&&&',
  'a'.repeat(300) + '=1',
);

/** Bodies for operations that declare a JSON request body. */
function bodyArbitrary(
  schema: Schema,
  bodyLimitBytes: number,
  hostile: boolean,
): fc.Arbitrary<Pick<FuzzRequest, 'body' | 'headers'>> {
  const json = (value: unknown) => ({
    body: JSON.stringify(value),
    headers: { 'content-type': 'application/json' },
  });
  const props = (schema.properties ?? {}) as Record<string, Schema>;
  const stringValue = (s: Schema) =>
    fc.oneof(
      fc.string({
        minLength: Number(s.minLength ?? 1),
        maxLength: Math.min(Number(s.maxLength ?? 200), 200),
      }),
      fc.lorem({ maxCount: 20 }),
      fc.constantFrom(
        'Bitcoin is surging! 🚀',
        'Exchange hacked 💀',
        '\u202eإيثريوم',
        'a\u0000b',
        '\ud800',
        '\udfff x',
      ),
    );
  const validValue = (s: Schema): fc.Arbitrary<unknown> =>
    s.type === 'array'
      ? fc.array(stringValue((s.items ?? {}) as Schema), { minLength: 1, maxLength: 10 })
      : stringValue(s);
  const valid = fc.record(
    Object.fromEntries(Object.entries(props).map(([k, s]) => [k, validValue(s)])),
  );
  const wrongType = fc.oneof(
    fc.constantFrom(null, 0, -1, 1e308, true, [], {}, [null], [1, 2], { nested: { deep: [] } }),
    fc.jsonValue({ maxDepth: 3 }),
  );
  const firstKey = Object.keys(props)[0] ?? 'text';
  const overLong = (s: Schema) => 'x'.repeat(Number(s.maxLength ?? 5_000) + 1);
  const invalid = fc.oneof(
    fc.record(Object.fromEntries(Object.keys(props).map((k) => [k, wrongType]))),
    fc.constantFrom(
      {},
      { [firstKey]: '   ' },
      { [firstKey]: '' },
      {
        [firstKey]:
          props[firstKey]?.type === 'array'
            ? Array(101).fill('x')
            : overLong(props[firstKey] ?? {}),
      },
      {
        [firstKey]:
          props[firstKey]?.type === 'array'
            ? [overLong((props[firstKey]?.items ?? {}) as Schema)]
            : ['x'],
      },
      { [firstKey]: 'ok', is_admin: true },
    ),
    wrongType,
  );
  const transport = fc.constantFrom<Pick<FuzzRequest, 'body' | 'headers'>>(
    { body: 'x'.repeat(bodyLimitBytes + 1), headers: { 'content-type': 'application/json' } },
    {
      body: JSON.stringify({ [firstKey]: 'a'.repeat(bodyLimitBytes) }),
      headers: { 'content-type': 'application/json' },
    },
    { body: 'Bitcoin is surging', headers: { 'content-type': 'text/plain' } },
    { body: '<text>BTC</text>', headers: { 'content-type': 'application/xml' } },
    { body: 'text=BTC', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    {
      body: '--b\r\n\r\nx\r\n--b--',
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
    },
    { body: '{"text": "x"}', headers: { 'content-type': 'application/problem+json' } },
    { body: '{"text": "x"}', headers: { 'content-type': 'application/json; charset=latin1' } },
    { body: '{"text": ', headers: { 'content-type': 'application/json' } },
    { body: "{'text': 'x'}", headers: { 'content-type': 'application/json' } },
    { body: '{"text": "x"', headers: { 'content-type': 'application/json' } },
    { body: '', headers: { 'content-type': 'application/json' } },
    { body: 'null', headers: { 'content-type': 'application/json' } },
    { body: '"text"', headers: { 'content-type': 'application/json' } },
    { body: '\u0000', headers: { 'content-type': 'application/json' } },
    { body: '{"text": "\\ud800"}', headers: { 'content-type': 'application/json' } },
    { body: '{"__proto__": {"text": "x"}}', headers: { 'content-type': 'application/json' } },
    {
      body: '{"constructor": {"prototype": {"text": "x"}}}',
      headers: { 'content-type': 'application/json' },
    },
    { body: '{"text": "a", "text": "b"}', headers: { 'content-type': 'application/json' } },
    {
      body: '['.repeat(5_000) + ']'.repeat(5_000),
      headers: { 'content-type': 'application/json' },
    },
    {
      body: '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000),
      headers: { 'content-type': 'application/json' },
    },
  );
  if (!hostile) return valid.map(json);
  return fc.oneof(
    { weight: 1, arbitrary: valid.map(json) },
    { weight: 3, arbitrary: invalid.map(json) },
    { weight: 2, arbitrary: transport },
  );
}

export interface RequestOptions {
  doc: OpenApiDocument;
  ctx: FuzzContext;
  bodyLimitBytes: number;
  /** The API key header name (from the document's security scheme). */
  apiKeyHeader: string;
}

/** Requests for one operation. */
export function requestsFor(op: Operation, options: RequestOptions): fc.Arbitrary<FuzzRequest> {
  const { ctx } = options;
  const params = op.spec.parameters ?? [];
  // Secured operations: mostly a key that may pass, so the cases reach the handler too.
  const apiKey = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...ctx.adminKeys) },
    { weight: 1, arbitrary: fc.constantFrom(null, ...ctx.otherKeys) },
    { weight: 1, arbitrary: headerValue() },
  );
  const body = op.spec.requestBody?.content?.['application/json']?.schema;
  const bodySchema = body ? resolveRef(body, options.doc) : undefined;
  // Two cases in five are valid throughout (they reach the handlers and the database), the
  // others mix valid, invalid, hostile and repeated values, unknown parameters and bodies.
  const hostileCase = fc.oneof(
    { weight: 2, arbitrary: fc.constant(false) },
    { weight: 3, arbitrary: fc.constant(true) },
  );
  return hostileCase
    .chain((hostile) =>
      fc.record({
        values: fc.record(
          Object.fromEntries(
            params.map((p) => [`${p.in}:${p.name}`, parameterArbitrary(p, ctx, hostile)]),
          ),
        ),
        extra: hostile ? fc.option(EXTRA_QUERY, { freq: 4 }) : fc.constant(null),
        apiKey: op.spec.security
          ? apiKey
          : hostile
            ? fc.option(headerValue(), { freq: 4 })
            : fc.constant(null),
        body: !bodySchema
          ? fc.constant(null)
          : hostile
            ? fc.option(bodyArbitrary(bodySchema, options.bodyLimitBytes, true), { freq: 20 })
            : bodyArbitrary(bodySchema, options.bodyLimitBytes, false),
      }),
    )
    .map(({ values, extra, apiKey, body }) => {
      let path = op.path;
      const query: string[] = [];
      const headers: Record<string, string> = {};
      for (const param of params) {
        const sent = values[`${param.in}:${param.name}`];
        // An empty segment would address another route (`/assets/` is the listing).
        if (param.in === 'path') path = path.replace(`{${param.name}}`, sent[0].encoded || '%20');
        if (param.in === 'query')
          for (const v of sent) query.push(`${encode(param.name)}=${v.encoded}`);
        if (param.in === 'header' && sent.length)
          headers[param.name] = decodeHeader(sent[0].encoded);
      }
      if (extra) query.push(extra);
      if (apiKey !== null) headers[options.apiKeyHeader] = apiKey;
      const request: FuzzRequest = {
        method: op.method,
        url: query.length ? `${path}?${query.join('&')}` : path,
        headers,
      };
      if (body) {
        request.body = body.body;
        Object.assign(request.headers, body.headers);
      }
      return request;
    });
}

/** Header parameters travel as printable ASCII: whatever the generator made, made sendable. */
function decodeHeader(encoded: string): string {
  return encoded.replace(/[^\x20-\x7e]/g, '?').slice(0, 8_000);
}

/** CORS preflight headers, sent or not with an OPTIONS request. */
const PREFLIGHT = fc.constantFrom<Record<string, string>>(
  {},
  { origin: 'http://localhost:5173', 'access-control-request-method': 'GET' },
  { origin: 'null', 'access-control-request-method': 'DELETE' },
  { 'access-control-request-method': 'POST' },
);

/**
 * Requests with a method the path does not declare (with or without an admin key), and
 * OPTIONS (CORS preflights and plain ones).
 */
export function swapsFor(
  doc: OpenApiDocument,
  path: string,
  ctx: FuzzContext,
  apiKeyHeader: string,
): fc.Arbitrary<FuzzRequest> {
  const concrete = path.replace(/\{[^}]+\}/g, () => ctx.symbols[0] ?? 'BTC');
  return fc
    .record({
      // GET /cryptocurrencies/sync is the documented /cryptocurrencies/{symbol}: not a swap.
      method: fc.constantFrom(
        ...undeclaredMethods(doc, path).filter((m) => !documentedElsewhere(doc, m, concrete)),
        'OPTIONS',
      ),
      key: fc.constantFrom(null, ...ctx.adminKeys),
      preflight: PREFLIGHT,
    })
    .map(({ method, key, preflight }) => ({
      method,
      url: concrete,
      headers: {
        ...(key ? { [apiKeyHeader]: key } : {}),
        ...(method === 'OPTIONS' ? preflight : {}),
      },
      swapped: true,
    }));
}
