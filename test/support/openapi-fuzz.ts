// Property-based fuzzing driven by the service's own OpenAPI document: every operation gets
// generated requests (valid, invalid and hostile path/query/header values and bodies), and
// every response is checked against what the document declares for that operation.
import Ajv, { type ValidateFunction } from 'ajv';
import fc from 'fast-check';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

type Schema = Record<string, unknown>;

interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  description?: string;
  required?: boolean;
  schema?: Schema;
  example?: unknown;
}

interface MediaObject {
  schema?: Schema;
}

interface ResponseObject {
  content?: Record<string, MediaObject>;
}

interface OperationObject {
  parameters?: ParameterObject[];
  requestBody?: { required?: boolean; content?: Record<string, MediaObject> };
  responses: Record<string, ResponseObject>;
  security?: Record<string, string[]>[];
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, Schema> };
}

export interface Operation {
  method: string;
  path: string;
  id: string;
  spec: OperationObject;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Every operation of the document, except the paths `skip` matches (test-only routes). */
export function operationsOf(doc: OpenApiDocument, skip: RegExp): Operation[] {
  return Object.entries(doc.paths)
    .filter(([path]) => !skip.test(path))
    .flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => ({
        method: method.toUpperCase(),
        path,
        id: `${method.toUpperCase()} ${path}`,
        spec: item[method],
      })),
    );
}

/** Methods a path does not declare: the "method swap" requests. */
function undeclaredMethods(doc: OpenApiDocument, path: string): string[] {
  return METHODS.filter((method) => !doc.paths[path][method]).map((m) => m.toUpperCase());
}

/** Whether another documented operation answers `method` on this concrete path. */
function documentedElsewhere(doc: OpenApiDocument, method: string, concrete: string): boolean {
  return Object.entries(doc.paths).some(([template, operations]) => {
    if (!operations[method.toLowerCase() as (typeof METHODS)[number]]) return false;
    const pattern = template
      .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
      .replace(/\\?\{[^}]+\\?\}/g, '[^/]+');
    return new RegExp(`^${pattern}$`).test(concrete);
  });
}

// ---------------------------------------------------------------------------------------
// Values

/** What the warm phase knows exists, so valid requests also reach real rows. */
export interface FuzzContext {
  symbols: string[];
  runIds: string[];
  sources: string[];
  adminKeys: string[];
  otherKeys: string[];
}

/** Strings that have broken services before; each is sent raw (percent-encoded by us). */
const HOSTILE_STRINGS = [
  '',
  ' ',
  '\t',
  '0',
  '-1',
  '-0',
  '1.5',
  '1e308',
  '-1e308',
  '1e-324',
  '99999999999999999999999',
  '9007199254740993',
  '0x1f',
  '1_000',
  'NaN',
  'Infinity',
  '-Infinity',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'toString',
  "' OR '1'='1",
  "'; DROP TABLE assets; --",
  '1 UNION SELECT NULL, version() --',
  '%',
  '%%',
  '_',
  '\\',
  '../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '%2e%2e%2f%2e%2e%2f',
  '....//....//etc/passwd',
  '/etc/passwd',
  'C:\\Windows\\win.ini',
  '<script>alert(1)</script>',
  '${jndi:ldap://127.0.0.1/a}',
  '{{7*7}}',
  'BTC\u0000',
  '\u0000',
  'BTC\r\nX-Injected: 1',
  '🚀',
  'BTC🚀',
  '\u202eCTB',
  'بيتكوين',
  'Ｂｔｃ',
  'ß',
  'İ',
  'A'.repeat(21),
  'A'.repeat(257),
  'A'.repeat(5_001),
  '2026-13-45T25:61:61Z',
  '0000-00-00',
  '99999-01-01',
  '-271821-04-20T00:00:00Z',
  '8640000000000001',
  '2026-11-22T10:00:00+99:99',
];

/** Percent-encoded fragments that no JavaScript string encodes to: bad UTF-8, lone surrogates. */
const RAW_ENCODED = [
  '%ED%A0%80', // lone high surrogate (CESU-8)
  '%ED%B0%80', // lone low surrogate
  '%C0%AF', // overlong '/'
  '%FF%FE',
  '%',
  '%zz',
  '%00',
  '%2e%2e',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '..%252f..%252fetc',
  'BTC%00',
  '%E2%80%AE',
];

const encode = (value: string): string =>
  // encodeURIComponent throws on lone surrogates: those are sent as the raw bytes instead.
  value.replace(/[\s\S]/gu, (ch) => {
    try {
      return encodeURIComponent(ch);
    } catch {
      return '%ED%A0%80';
    }
  });

/** A value for the URL, already encoded. */
type Encoded = { encoded: string };
const raw = (encoded: string): Encoded => ({ encoded });
const text = (value: string): Encoded => ({ encoded: encode(value) });

const hostileText = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS).map(text) },
  { weight: 2, arbitrary: fc.constantFrom(...RAW_ENCODED).map(raw) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map(text) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }).map(text) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('BTC', 'eth', '1h', 'csv'), fc.constantFrom(...RAW_ENCODED))
      .map(([a, b]) => raw(a + b)),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 20_000 }).map((n) => text('9'.repeat(n))) },
);

const numberish = (min = -1e9, max = 1e9) =>
  fc.oneof(
    fc.integer({ min: Math.ceil(min), max: Math.floor(max) }).map(String),
    fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map(String),
  );

function invalidForSchema(schema: Schema): fc.Arbitrary<Encoded> {
  const min = typeof schema.minimum === 'number' ? schema.minimum : undefined;
  const max = typeof schema.maximum === 'number' ? schema.maximum : undefined;
  const edges: string[] = [];
  if (min !== undefined) edges.push(String(min - 1), String(min - 0.5), String(-Math.abs(min) - 1));
  if (max !== undefined) edges.push(String(max + 1), String(max * 1000), String(max + 0.5));
  if (Array.isArray(schema.enum)) {
    for (const value of schema.enum as string[]) edges.push(value.toUpperCase(), ` ${value}`);
  }
  return edges.length ? fc.oneof(fc.constantFrom(...edges).map(text), hostileText) : hostileText;
}

const isoDate = fc
  .date({
    min: new Date('2000-01-01T00:00:00Z'),
    max: new Date('2100-01-01T00:00:00Z'),
    noInvalidDate: true,
  })
  .chain((d) =>
    fc.constantFrom(
      d.toISOString(),
      d.toISOString().slice(0, 10),
      d.toISOString().slice(0, 19),
      String(d.getTime()),
    ),
  );

/** A valid value of one parameter: from its schema, its example and what the context knows. */
function validForParameter(param: ParameterObject, ctx: FuzzContext): fc.Arbitrary<Encoded> {
  const schema = param.schema ?? {};
  const name = param.name.toLowerCase();
  const example = schema.example ?? param.example;
  const options: fc.Arbitrary<string>[] = [];
  if (typeof example === 'string' || typeof example === 'number') {
    options.push(fc.constant(String(example)));
  }
  if (Array.isArray(schema.enum)) {
    options.push(fc.constantFrom(...(schema.enum as unknown[]).map(String)));
  } else if (schema.type === 'integer') {
    options.push(
      fc
        .integer({ min: Number(schema.minimum ?? -1e6), max: Number(schema.maximum ?? 1e6) })
        .map(String),
    );
  } else if (schema.type === 'number') {
    options.push(numberish(Number(schema.minimum ?? -1e9), Number(schema.maximum ?? 1e12)));
  } else if (schema.type === 'boolean') {
    options.push(fc.constantFrom('true', 'false'));
  } else if (schema.type === 'array') {
    // Comma-separated lists: indicator names (the description lists them) or symbols.
    const listed = /:\s*([a-z]+(?:,\s*[a-z]+)+)/.exec(String(param.description ?? ''));
    const items = listed
      ? listed[1].split(/,\s*/)
      : ctx.symbols.length
        ? ctx.symbols
        : ['BTC', 'ETH'];
    options.push(fc.subarray(items, { minLength: 1 }).map((a) => a.join(',')));
  } else if (/symbol|search/.test(name)) {
    options.push(fc.stringMatching(/^[A-Za-z0-9]{1,20}$/));
    if (ctx.symbols.length)
      options.push(fc.constantFrom(...ctx.symbols, ...ctx.symbols.map((s) => s.toLowerCase())));
  } else if (/date|time|^start$|^end$/.test(name)) {
    options.push(isoDate);
  } else if (/source|provider/.test(name)) {
    options.push(fc.constantFrom(...ctx.sources), fc.stringMatching(/^[a-z0-9_-]{1,32}$/));
  } else if (name === 'id') {
    options.push(fc.uuid());
    if (ctx.runIds.length) options.push(fc.constantFrom(...ctx.runIds));
  } else {
    options.push(fc.string({ unit: 'grapheme-ascii', maxLength: 20 }));
  }
  return fc.oneof(...options).map(text);
}

function headerValue(): fc.Arbitrary<string> {
  // Printable ASCII: node:http refuses control characters in header values.
  return fc.oneof(
    fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      maxLength: 40,
    }),
    fc.constantFrom(
      'x'.repeat(201),
      'x'.repeat(257),
      'x'.repeat(4_000),
      "' OR 1=1 --",
      '../../etc/passwd',
      '',
    ),
  );
}

// ---------------------------------------------------------------------------------------
// Requests

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

// ---------------------------------------------------------------------------------------
// Checks

export interface FuzzResponse {
  status: number;
  contentType: string;
  headers: IncomingHttpHeaders;
  text: string;
}

/** The header's (first) value. */
export function headerOf(response: FuzzResponse, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Sends the request as is: node:http, not fetch, because fetch's URL parser would resolve
 * `%2e%2e` segments and re-encode what we generated, sending another request than the case.
 */
export function send(baseUrl: string, request: FuzzRequest): Promise<FuzzResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        hostname,
        port,
        method: request.method,
        path: request.url,
        headers: {
          ...request.headers,
          ...(request.body === undefined
            ? {}
            : { 'content-length': Buffer.byteLength(request.body) }),
        },
        timeout: 15_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: (response.headers['content-type'] ?? '')
              .split(';')[0]
              .trim()
              .toLowerCase(),
            headers: response.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('no answer within 15 s')));
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

const COMPONENTS = '#/components/schemas/';

function resolveRef(schema: Schema, doc: OpenApiDocument): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  return doc.components.schemas[ref.slice(COMPONENTS.length)];
}

/**
 * OpenAPI 3.0 schema objects as JSON Schema for Ajv: `nullable` becomes a null type, refs
 * point into the registered components, and objects are closed (a response field the
 * document does not declare is a mismatch) unless listed in `open`.
 */
function toJsonSchema(schema: unknown, open: ReadonlySet<string>, name?: string): unknown {
  if (Array.isArray(schema)) return schema.map((s) => toJsonSchema(s, open));
  if (!schema || typeof schema !== 'object') return schema;
  const source = schema as Schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === 'nullable' || key === 'example') continue;
    if (key === '$ref' && typeof value === 'string') out.$ref = `openapi${value}`;
    else if (key === 'properties' && value && typeof value === 'object') {
      out.properties = Object.fromEntries(
        Object.entries(value as Schema).map(([k, v]) => [k, toJsonSchema(v, open)]),
      );
    } else out[key] = toJsonSchema(value, open);
  }
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined) {
    if (!name || !open.has(name)) out.additionalProperties = false;
  }
  if (source.nullable !== true) return out;
  if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
  if (typeof out.type === 'string') return { ...out, type: [out.type, 'null'] };
  return { anyOf: [out, { type: 'null' }] };
}

const JSON_MEDIA = /^application\/(.+\+)?json$/;
const PROBLEM_MEDIA = 'application/problem+json';

export interface CheckerOptions {
  /** Statuses any operation may answer, documented once for the whole API. */
  globalStatuses: readonly number[];
  /** Component schemas that may carry members the document does not list. */
  openSchemas: readonly string[];
}

/** Checks responses against the document. Returns what is wrong (empty when all is well). */
export class ResponseChecker {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(
    private readonly doc: OpenApiDocument,
    private readonly options: CheckerOptions,
  ) {
    const open = new Set(options.openSchemas);
    const schemas = Object.fromEntries(
      Object.entries(doc.components.schemas).map(([name, s]) => [
        name,
        toJsonSchema(s, open, name),
      ]),
    );
    this.ajv.addSchema({ $id: 'openapi', components: { schemas } });
  }

  violations(op: Operation, request: FuzzRequest, response: FuzzResponse): string[] {
    const found: string[] = [];
    const { status } = response;
    if (!headerOf(response, 'x-request-id')) found.push('no X-Request-Id header');
    // 5xx only as documented (a provider failing a sync is a 502); never a 500.
    if (status === 500) found.push('server error 500');
    if (request.swapped && request.method === 'OPTIONS') {
      if (status !== 204) found.push(`OPTIONS answered ${status}, not 204`);
      return found;
    }
    if (request.swapped) {
      // The path exists under the documented method: 405 naming it in Allow.
      if (status !== 405) found.push(`method swap answered ${status}, not 405`);
      else if (!headerOf(response, 'allow')?.includes(op.method.toUpperCase()))
        found.push(`405 without ${op.method.toUpperCase()} in Allow`);
      found.push(...this.problem(response, op.spec.responses.default));
      return found;
    }
    const declared = Object.keys(op.spec.responses).filter((s) => s !== 'default');
    if (!declared.includes(String(status)) && !this.options.globalStatuses.includes(status)) {
      found.push(`status ${status} is not declared (declared: ${declared.join(', ')})`);
    }
    if (status === 304) {
      if (response.text !== '') found.push('304 with a body');
      return found;
    }
    const spec =
      op.spec.responses[String(status)] ?? (status >= 400 ? op.spec.responses.default : undefined);
    if (status >= 400 && spec?.content?.[PROBLEM_MEDIA])
      return [...found, ...this.problem(response, spec)];
    found.push(...this.body(response, spec));
    return found;
  }

  private problem(response: FuzzResponse, spec: ResponseObject | undefined): string[] {
    if (response.contentType !== PROBLEM_MEDIA) {
      return [
        `error ${response.status} is ${response.contentType || 'untyped'}, not ${PROBLEM_MEDIA}`,
      ];
    }
    const found = this.body(response, spec);
    const body = parseJson(response.text) as { status?: unknown; requestId?: unknown } | undefined;
    if (body?.status !== response.status)
      found.push(`problem status ${String(body?.status)} ≠ ${response.status}`);
    if (body?.requestId !== headerOf(response, 'x-request-id'))
      found.push('problem requestId ≠ X-Request-Id');
    return found;
  }

  private body(response: FuzzResponse, spec: ResponseObject | undefined): string[] {
    const content = spec?.content;
    if (!content)
      return response.text === ''
        ? []
        : [`${response.status} has a body the document does not declare`];
    const media = content[response.contentType];
    if (!media) {
      return [
        `content-type ${response.contentType || '(none)'} is not declared (declared: ${Object.keys(content).join(', ')})`,
      ];
    }
    if (!JSON_MEDIA.test(response.contentType) || !media.schema) return [];
    const body = parseJson(response.text);
    if (body === undefined) return [`${response.contentType} body is not JSON`];
    const validate = this.validator(media.schema);
    if (validate(body)) return [];
    return (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `body${e.instancePath} ${e.message ?? 'invalid'} ${JSON.stringify(e.params)}`);
  }

  private validator(schema: Schema): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(schema, new Set()) as Schema);
      this.validators.set(key, validate);
    }
    return validate;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** One line per request, for failure reports: method, URL, headers and a body excerpt. */
export function describeRequest(request: FuzzRequest): string {
  const body =
    request.body === undefined
      ? ''
      : ` body(${request.body.length})=${JSON.stringify(request.body.slice(0, 120))}`;
  const url =
    request.url.length > 300 ? `${request.url.slice(0, 300)}…(${request.url.length})` : request.url;
  const headers = Object.entries(request.headers).map(
    ([k, v]) => `${k}: ${v.length > 60 ? `${v.slice(0, 60)}…(${v.length})` : v}`,
  );
  return `${request.method} ${url} [${headers.join('; ')}]${body}`;
}
