// Storage: the database (a PostgreSQL server or the embedded PGlite), Redis and the response cache.
import { IsOptional, IsString, Matches, MinLength } from 'class-validator';
import { IntegerVar } from './environment-decorators';

const POSTGRES_URL = /^postgres(ql)?:\/\/[^\s/]+(\/[^\s]*)?$/;
const REDIS_URL = /^rediss?:\/\/[^\s]+$/;

export class StorageEnvironment {
  @IsOptional()
  @Matches(POSTGRES_URL, { message: 'must be a postgres:// or postgresql:// connection URL' })
  DATABASE_URL?: string;

  @IsString()
  @MinLength(1)
  PGLITE_DATA_DIR = './data/pglite';

  @IntegerVar(1, 200)
  DB_POOL_SIZE = 10;

  @IntegerVar(100, 60_000)
  DB_CONNECT_TIMEOUT_MS = 1_500;

  @IntegerVar(100, 600_000)
  DB_STATEMENT_TIMEOUT_MS = 10_000;

  @IsOptional()
  @Matches(REDIS_URL, { message: 'must be a redis:// or rediss:// connection URL' })
  REDIS_URL?: string;

  @Matches(/^[A-Za-z0-9_.-]{1,40}$/, { message: 'must be 1 to 40 letters, digits, _ . or -' })
  REDIS_KEY_PREFIX = 'cma';

  @IntegerVar(1, 86_400)
  CACHE_TTL_SECONDS = 300;

  /** In-process first level of the response cache, per instance (bodies and their variants). */
  @IntegerVar(1, 4_096)
  CACHE_MEMORY_MAX_MB = 64;

  /**
   * Cache generations are bumped at most this often (ms): the longest a cached answer can lag
   * behind ingested data. 0 bumps on every commit.
   */
  @IntegerVar(0, 60_000)
  CACHE_INVALIDATION_INTERVAL_MS = 1_000;
}
