// Query DTOs of surfaces that must accept the parameters other clients add (CoinGecko's SDKs
// send `x_cg_demo_api_key`, `locale`, …): unknown parameters are dropped, not refused.
import 'reflect-metadata';

const LENIENT_QUERY = Symbol('lenient-query');

/** Marks a query DTO whose unknown parameters are ignored rather than a 400. */
export function LenientQuery(): ClassDecorator {
  return (target) => Reflect.defineMetadata(LENIENT_QUERY, true, target);
}

export function isLenientQuery(metatype: unknown): boolean {
  return typeof metatype === 'function' && Reflect.getMetadata(LENIENT_QUERY, metatype) === true;
}
