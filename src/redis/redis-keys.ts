// Every Redis key the service writes is built here, under one prefix, so that keys are
// easy to find, scan and expire, and a shared Redis can host other applications too.
const PREFIX = 'cma';

export const RedisKeys = {
  /** Namespace of the REST response cache (cache-manager/Keyv add their own separators). */
  cacheNamespace: `${PREFIX}:cache`,
} as const;
