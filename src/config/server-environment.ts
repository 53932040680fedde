// The process and its HTTP API: where it listens, what a request may carry, how answers are
// labelled, shutdown, health checks and logs.
import { IsIn, IsString, MinLength } from 'class-validator';
import { IntegerVar } from './environment-decorators';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ServerEnvironment {
  @IsIn(NODE_ENVS)
  NODE_ENV: NodeEnv = 'development';

  @IntegerVar(0, 65535, 'must be an integer between 0 and 65535')
  PORT = 3000;

  @IsString()
  @MinLength(1)
  HOST = '0.0.0.0';

  /** An Idempotency-Key's holder renews it while it runs; unrenewed this long, it is free. */
  @IntegerVar(1, 3_600, 'must be a whole number of seconds between 1 and 3600')
  IDEMPOTENCY_LEASE_SECONDS = 30;

  @IntegerVar(1, 86_400)
  PRICE_STALE_SECONDS = 300;

  @IntegerVar(1_024, 10 * 1024 * 1024)
  BODY_LIMIT_BYTES = 100 * 1024;

  /** Largest file an admin may upload to POST /api/v1/cryptocurrencies/sync/candles. */
  @IntegerVar(1_024, 1024 * 1024 * 1024)
  IMPORT_BODY_LIMIT_BYTES = 50 * 1024 * 1024;

  @IntegerVar(100, 120_000)
  SHUTDOWN_TIMEOUT_MS = 10_000;

  @IntegerVar(100, 2_000)
  HEALTH_CHECK_TIMEOUT_MS = 2_000;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';
}
