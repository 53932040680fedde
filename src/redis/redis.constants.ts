/** The one shared ioredis connection, or `null` when REDIS_URL is unset (in-memory mode). */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');
