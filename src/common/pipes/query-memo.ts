import { LRUCache } from 'lru-cache';

/** Longest query (as JSON) worth remembering; longer ones are validated every time. */
const MAX_QUERY_CHARS = 2_048;

type Primitive = string | number | boolean | bigint | null | undefined;
type Flat = Record<string, Primitive | Primitive[]>;

const isPrimitive = (value: unknown): value is Primitive =>
  value === null || (typeof value !== 'object' && typeof value !== 'function');

/** A transformed DTO whose fields are primitives or arrays of them: safe to copy field by field. */
function isFlat(value: unknown): value is Flat {
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value).every(
    (field) => isPrimitive(field) || (Array.isArray(field) && field.every(isPrimitive)),
  );
}

/**
 * Query strings already validated, per query DTO: dashboards and clients repeat the same few
 * queries, and class-transformer plus class-validator cost tens of microseconds per request,
 * the largest share of a cheap read. Validating a query is a pure function of the DTO class
 * and the parameters as parsed (strings and arrays of strings), so a query seen before gets a
 * fresh copy of the DTO it produced.
 *
 * Only successes are kept, only DTOs whose fields are primitives or arrays of them (a `Date`
 * field is an object a handler could change, so those queries are validated every time), and
 * the cache is bounded in entries and bytes, so distinct queries cannot grow memory.
 */
export class QueryMemo {
  private readonly classIds = new WeakMap<object, number>();
  private nextClassId = 0;
  private readonly results = new LRUCache<string, Flat>({
    max: 10_000,
    maxSize: 8 * 1024 * 1024,
    sizeCalculation: (result, key) => key.length * 2 + JSON.stringify(result).length * 2 + 64,
  });

  /** The memo key of a query for a DTO class, or undefined when the query is not memoisable. */
  keyOf(metatype: object, query: unknown): string | undefined {
    if (typeof query !== 'object' || query === null || Array.isArray(query)) return undefined;
    for (const value of Object.values(query)) {
      if (typeof value === 'string') continue;
      if (Array.isArray(value) && value.every((item) => typeof item === 'string')) continue;
      return undefined;
    }
    const json = JSON.stringify(query);
    if (json.length > MAX_QUERY_CHARS) return undefined;
    let id = this.classIds.get(metatype);
    if (id === undefined) this.classIds.set(metatype, (id = this.nextClassId++));
    return `${id}:${json}`;
  }

  /** A new DTO equal to the one remembered for this key, if any. */
  get(key: string): object | undefined {
    const template = this.results.get(key);
    if (!template) return undefined;
    const copy = Object.create(Object.getPrototypeOf(template) as object) as Flat;
    for (const [field, value] of Object.entries(template)) {
      copy[field] = Array.isArray(value) ? [...value] : value;
    }
    return copy;
  }

  /** Remembers a validated DTO (a copy of it, so the handler's changes stay its own). */
  set(key: string, result: unknown): void {
    if (!isFlat(result)) return;
    const template = Object.create(Object.getPrototypeOf(result) as object) as Flat;
    for (const [field, value] of Object.entries(result)) {
      template[field] = Array.isArray(value) ? [...value] : value;
    }
    this.results.set(key, template);
  }

  get size(): number {
    return this.results.size;
  }
}
