// Values: valid ones from each parameter's schema and example, and hostile ones.
import fc from 'fast-check';
import { type ParameterObject, type Schema } from './document';

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

export const encode = (value: string): string =>
  // encodeURIComponent throws on lone surrogates: those are sent as the raw bytes instead.
  value.replace(/[\s\S]/gu, (ch) => {
    try {
      return encodeURIComponent(ch);
    } catch {
      return '%ED%A0%80';
    }
  });

/** A value for the URL, already encoded. */
export type Encoded = { encoded: string };
const raw = (encoded: string): Encoded => ({ encoded });
export const text = (value: string): Encoded => ({ encoded: encode(value) });

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

export function invalidForSchema(schema: Schema): fc.Arbitrary<Encoded> {
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
export function validForParameter(param: ParameterObject, ctx: FuzzContext): fc.Arbitrary<Encoded> {
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

export function headerValue(): fc.Arbitrary<string> {
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
