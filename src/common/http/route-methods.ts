import FindMyWay, { type HTTPMethod } from 'find-my-way';

/**
 * Route config flag (`@RouteConfig({ [REFUSES_METHOD]: true })`) of a handler that exists only to
 * answer 405: `GET /api/v1/cryptocurrencies/sync` would otherwise be read as the symbol route.
 */
export const REFUSES_METHOD = 'refusesMethod';

/**
 * Which methods a path answers to. Fastify's router only answers "no route" for
 * `PUT /api/v1/cryptocurrencies/sync`; this table, fed by its `onRoute` hook, tells a 405
 * (with `Allow`) for a method swap apart from a 404 for a path that does not exist.
 * It is only consulted on the not-found path, never on a matched request.
 */
export class RouteMethods {
  private readonly router = FindMyWay({ ignoreTrailingSlash: true });
  /** Routes that exist only to refuse their method (see {@link REFUSES_METHOD}). */
  private readonly refusing = FindMyWay({ ignoreTrailingSlash: true });
  private readonly methods = new Set<HTTPMethod>();

  add(method: string | string[], url: string, config?: unknown): void {
    const refuses = (config as Record<string, unknown> | undefined)?.[REFUSES_METHOD] === true;
    for (const one of Array.isArray(method) ? method : [method]) {
      const upper = one.toUpperCase() as HTTPMethod;
      (refuses ? this.refusing : this.router).on(upper, url, () => undefined);
      this.methods.add(upper);
    }
  }

  /** The methods with a route matching `url` (query string ignored), in a stable order. */
  allowed(url: string): string[] {
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const allowed: string[] = [];
    for (const method of this.methods) {
      if (
        method !== 'OPTIONS' &&
        this.router.find(method, path) !== null &&
        this.refusing.find(method, path) === null
      )
        allowed.push(method);
    }
    // CORS answers OPTIONS on every path: it says nothing about whether this one exists.
    if (allowed.length > 0 && this.router.find('OPTIONS', path) !== null) allowed.push('OPTIONS');
    return allowed.sort();
  }
}
