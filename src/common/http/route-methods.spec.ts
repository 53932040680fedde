import { RouteMethods } from './route-methods';

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

  it('lists nothing for a path no route has, even though CORS answers OPTIONS everywhere', () => {
    expect(routes.allowed('/api/v1/nothing-here')).toEqual([]);
  });
});
