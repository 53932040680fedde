import { REDACTED, isSecretParameter, redactUrl } from './redact-url';

describe(redactUrl.name, () => {
  it.each([
    [
      '/api/v1/cryptocurrencies/sync?api_key=k1&wait=false',
      `/api/v1/cryptocurrencies/sync?api_key=${REDACTED}&wait=false`,
    ],
    ['/ws?API_KEY=k1', `/ws?API_KEY=${REDACTED}`],
    ['/ws/prices/BTC?candles=1&apikey=k1', `/ws/prices/BTC?candles=1&apikey=${REDACTED}`],
    ['/x?api-key=k1#frag', `/x?api-key=${REDACTED}#frag`],
    [
      '/x?key=k1&token=t1&access_token=a1',
      `/x?key=${REDACTED}&token=${REDACTED}&access_token=${REDACTED}`,
    ],
    [
      '/x?x_cg_demo_api_key=k1&x_cg_pro_api_key=k2',
      `/x?x_cg_demo_api_key=${REDACTED}&x_cg_pro_api_key=${REDACTED}`,
    ],
    [
      '/x?Password=p&client_secret=s&SECRET=s',
      `/x?Password=${REDACTED}&client_secret=${REDACTED}&SECRET=${REDACTED}`,
    ],
    ['/x?api%5Fkey=k1', `/x?api%5Fkey=${REDACTED}`],
    ['/x?api_key=k1&api_key=k2', `/x?api_key=${REDACTED}&api_key=${REDACTED}`],
  ])('redacts the credential in %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('keeps every other parameter, the path and the fragment as written', () => {
    const url = '/api/v1/cryptocurrencies?limit=10&sort=market_cap&monkey_business=%20x#top';

    expect(redactUrl(url)).toBe(url);
  });

  it('leaves a credential parameter without a value alone (nothing to hide)', () => {
    expect(redactUrl('/ws?api_key=&api_key')).toBe('/ws?api_key=&api_key');
  });

  it('redacts the password of a connection URL and query credentials inside free text', () => {
    const text =
      'connect failed: postgres://app:s3cret@db:5432/market; then GET https://h/x?token=t9 refused';

    const redacted = redactUrl(text);

    expect(redacted).toBe(
      `connect failed: postgres://app:${REDACTED}@db:5432/market; then GET https://h/x?token=${REDACTED} refused`,
    );
    expect(redacted).not.toMatch(/s3cret|t9/);
  });

  it('stops a value at a quote, so JSON around a URL survives', () => {
    expect(redactUrl('{"url":"/ws?api_key=k1","n":1}')).toBe(
      `{"url":"/ws?api_key=${REDACTED}","n":1}`,
    );
  });

  it('keeps the punctuation that follows a URL in a sentence', () => {
    expect(redactUrl('GET /x?token=t1: refused, see /y?key=k2.')).toBe(
      `GET /x?token=${REDACTED}: refused, see /y?key=${REDACTED}.`,
    );
  });

  it('returns text without = or @ unchanged', () => {
    expect(redactUrl('/health/live')).toBe('/health/live');
  });
});

describe(isSecretParameter.name, () => {
  it.each(['api_key', 'APIKEY', 'X-API-Key', 'x_cg_demo_api_key', 'refresh_token', 'pwd', 'sig'])(
    '%s is a credential',
    (name) => expect(isSecretParameter(name)).toBe(true),
  );

  it.each(['limit', 'symbol', 'keyword', 'monkey', 'tokens_per_second', 'wait'])(
    '%s is not',
    (name) => expect(isSecretParameter(name)).toBe(false),
  );
});
