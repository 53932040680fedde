import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import {
  buildEntry,
  decodeEntry,
  encodeEntry,
  matchesIfNoneMatch,
  selectVariant,
  type CachedResponse,
} from './cached-response';

const listing = {
  items: Array.from({ length: 100 }, (_, i) => ({
    symbol: `A${i}`,
    name: 'line\nbreak',
    current_price: 1_000 + i / 7,
  })),
  total: 100,
};

describe(buildEntry.name, () => {
  it('keeps the JSON body as bytes with br and gzip variants that decode to it', async () => {
    const sut = await buildEntry(listing, { 'x-total-count': '100' });

    expect(JSON.parse(sut.body.toString())).toEqual(listing);
    expect(brotliDecompressSync(sut.variants!.br)).toEqual(sut.body);
    expect(gunzipSync(sut.variants!.gzip)).toEqual(sut.body);
    expect(sut.variants!.br.length).toBeLessThan(sut.body.length / 4);
    expect(sut.etag).toMatch(/^"[\w-]{27}"$/);
  });

  it('does not compress a body under 1 KiB', async () => {
    const sut = await buildEntry({ symbol: 'BTC' }, {});

    expect(sut.variants).toBeUndefined();
    expect(selectVariant(sut, 'br, gzip')).toEqual({
      encoding: 'identity',
      body: sut.body,
      etag: sut.etag,
    });
  });
});

describe(selectVariant.name, () => {
  let entry: CachedResponse;
  beforeAll(async () => {
    entry = await buildEntry(listing, {});
  });

  it.each([
    ['gzip, deflate, br', 'br'],
    ['gzip', 'gzip'],
    ['br;q=0.5, gzip;q=0.9', 'gzip'],
    ['deflate', 'identity'],
    [undefined, 'identity'],
    ['identity', 'identity'],
  ] as const)('answers %p in %p, with a tag per encoding', (accept, expected) => {
    const sut = selectVariant(entry, accept);

    expect(sut.encoding).toBe(expected);
    expect(sut.body).toBe(expected === 'identity' ? entry.body : entry.variants![expected]);
    expect(sut.etag).toBe(
      expected === 'identity' ? entry.etag : `${entry.etag.slice(0, -1)}-${expected}"`,
    );
  });
});

describe('cached response entries in the shared store', () => {
  it('round-trip, variants and newlines in the body included', async () => {
    const entry = await buildEntry(listing, { 'x-total-count': '1000' });

    expect(decodeEntry(encodeEntry(entry))).toEqual(entry);
  });

  it('round-trip without variants', async () => {
    const entry = await buildEntry({ a: 'x\ny' }, {});

    expect(decodeEntry(encodeEntry(entry))).toEqual(entry);
  });

  it('treat anything else (an old or foreign value) as a miss', () => {
    expect(decodeEntry(undefined)).toBeUndefined();
    expect(decodeEntry({ body: '{}' })).toBeUndefined();
    expect(decodeEntry('"abc"\nnot-a-number\n{}\n\n\n{}')).toBeUndefined();
    expect(decodeEntry('"abc"\n1\n{broken\n\n\n{}')).toBeUndefined();
    expect(decodeEntry('"abc"\n1\n{}\n{}')).toBeUndefined();
  });
});

describe(matchesIfNoneMatch.name, () => {
  const etag = '"q1w2e3"';

  it.each([
    ['"q1w2e3"'],
    ['*'],
    [' * '],
    ['"other", "q1w2e3"'],
    ['W/"q1w2e3"'],
    ['"a",W/"q1w2e3" , "b"'],
    ['"q1w2e3-br"'],
    ['W/"q1w2e3-gzip"'],
  ])('matches %p', (field) => {
    expect(matchesIfNoneMatch(field, etag)).toBe(true);
  });

  it.each([
    [undefined],
    [''],
    ['"other"'],
    ['q1w2e3'],
    ['"q1w2e3"x'],
    ['**'],
    ['"q1w2e3-zstd"'],
    ['"other-br"'],
  ])('does not match %p', (field) => {
    expect(matchesIfNoneMatch(field, etag)).toBe(false);
  });
});
