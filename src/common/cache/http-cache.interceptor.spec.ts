import { decodeEntry, encodeEntry, matchesIfNoneMatch } from './http-cache.interceptor';

describe('cached response entries', () => {
  const entry = {
    etag: '"abc"',
    storedAt: 1_764_000_000_000,
    headers: { 'x-total-count': '1000' },
    body: '{"items":[{"name":"line\\nbreak"}],"total":1}\n',
  };

  it('round-trip, newlines in the body included', () => {
    expect(decodeEntry(encodeEntry(entry))).toEqual(entry);
  });

  it('treat anything else (an old or foreign value) as a miss', () => {
    expect(decodeEntry(undefined)).toBeUndefined();
    expect(decodeEntry({ body: '{}' })).toBeUndefined();
    expect(decodeEntry('"abc"\nnot-a-number\n{}\n{}')).toBeUndefined();
    expect(decodeEntry('"abc"\n1\n{broken\n{}')).toBeUndefined();
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
  ])('matches %p', (field) => {
    expect(matchesIfNoneMatch(field, etag)).toBe(true);
  });

  it.each([[undefined], [''], ['"other"'], ['q1w2e3'], ['"q1w2e3"x'], ['**']])(
    'does not match %p',
    (field) => {
      expect(matchesIfNoneMatch(field, etag)).toBe(false);
    },
  );
});
