import { REFUSES_METHOD, RouteMethods } from './route-methods';

describe('RouteMethods', () => {
  const routes = new RouteMethods();
  routes.add(['GET', 'HEAD'], '/api/v1/cryptocurrencies/:symbol');
  routes.add('POST', '/api/v1/cryptocurrencies/sync');
  routes.add('OPTIONS', '*');

  it('lists every method of a path that exists, query string ignored', () => {
    expect(routes.allowed('/api/v1/cryptocurrencies/sync?source=csv')).toEqual([
      'GET',
      'HEAD',
      'OPTIONS',
      'POST',
    ]);
    expect(routes.allowed('/api/v1/cryptocurrencies/BTC/')).toEqual(['GET', 'HEAD', 'OPTIONS']);
  });

  it('leaves out a method whose route exists only to refuse it', () => {
    const refusing = new RouteMethods();
    refusing.add(['GET', 'HEAD'], '/api/v1/cryptocurrencies/:symbol');
    refusing.add('POST', '/api/v1/cryptocurrencies/sync');
    refusing.add(['GET', 'HEAD'], '/api/v1/cryptocurrencies/sync', { [REFUSES_METHOD]: true });

    expect(refusing.allowed('/api/v1/cryptocurrencies/sync')).toEqual(['POST']);
    expect(refusing.allowed('/api/v1/cryptocurrencies/ETH')).toEqual(['GET', 'HEAD']);
  });

  it('lists nothing for a path no route has, even though CORS answers OPTIONS everywhere', () => {
    expect(routes.allowed('/api/v1/nothing-here')).toEqual([]);
  });
});
