// The "textbook" reference for `npm run bench:read`: the service a NestJS team would write for
// the same three reads from the framework's own documentation (Techniques → Caching, Security →
// Rate limiting, Techniques → Validation, Performance (Fastify)): the Fastify adapter, a global
// ValidationPipe, ThrottlerGuard with `@nest-lab/throttler-storage-redis`, and
// `@nestjs/cache-manager`'s CacheInterceptor on a `@keyv/redis` store. Each handler returns
// `JSON.parse` of a Redis key: the latest BTC price, and for the listing and OHLC the very bytes
// of the service's cached answers (stored by the bench under BARE_BODY_PREFIX). The two
// reference libraries are devDependencies used here only.
import 'reflect-metadata';
import KeyvRedis, { Keyv } from '@keyv/redis';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { CacheInterceptor, CacheModule } from '@nestjs/cache-manager';
import {
  Controller,
  Get,
  Module,
  NotFoundException,
  Param,
  Query,
  UseInterceptors,
  ValidationPipe,
} from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import Redis from 'ioredis';
import { serveUntilSignal } from './bare-lifecycle';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new Redis(REDIS_URL);
const priceKey = process.env.BARE_KEY ?? 'missing';
const bodyPrefix = process.env.BARE_BODY_PREFIX ?? 'missing:';

class SymbolParams {
  @Matches(/^[A-Za-z0-9]{1,20}$/)
  symbol!: string;
}

class ListQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(250)
  limit?: number;
}

class OhlcQuery {
  @IsOptional()
  @IsIn(['1m', '5m', '15m', '30m', '1h', '4h', '1d', '1w'])
  timeframe?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

async function parsedKey(key: string): Promise<unknown> {
  const value = await redis.get(key);
  if (!value) throw new NotFoundException();
  return JSON.parse(value) as unknown;
}

@Controller('api/v1/cryptocurrencies')
class CryptocurrenciesController {
  @Get()
  @UseInterceptors(CacheInterceptor)
  list(@Query() _query: ListQuery): Promise<unknown> {
    return parsedKey(`${bodyPrefix}listing`);
  }

  @Get(':symbol/ohlc')
  @UseInterceptors(CacheInterceptor)
  ohlc(@Param() _params: SymbolParams, @Query() _query: OhlcQuery): Promise<unknown> {
    return parsedKey(`${bodyPrefix}ohlc`);
  }

  // The latest price is itself a Redis read: no response cache in front of it.
  @Get(':symbol/price')
  async price(@Param() params: SymbolParams): Promise<unknown> {
    const latest = (await parsedKey(priceKey)) as {
      price: number;
      timestamp: number;
      source: string;
    };
    const ageMs = Date.now() - latest.timestamp;
    return {
      symbol: params.symbol.toUpperCase(),
      price: latest.price,
      timestamp: latest.timestamp,
      source: latest.source,
      as_of: new Date(latest.timestamp).toISOString(),
      age_ms: ageMs,
      stale: ageMs > 300_000,
    };
  }
}

@Module({
  imports: [
    ThrottlerModule.forRoot({
      // As the bench configures the service: every request counted, none refused.
      throttlers: [{ ttl: 60_000, limit: 1_000_000_000 }],
      storage: new ThrottlerStorageRedisService(REDIS_URL),
    }),
    CacheModule.register({
      // Namespaced under the bench's key prefix, which it deletes at the end.
      stores: [new Keyv({ store: new KeyvRedis(REDIS_URL), namespace: `${bodyPrefix}textbook` })],
      ttl: 300_000,
    }),
  ],
  controllers: [CryptocurrenciesController],
  providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],
})
class TextbookModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(
    TextbookModule,
    new FastifyAdapter(),
    {
      logger: ['error', 'warn'],
    },
  );
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, transform: true }));
  await serveUntilSignal(app, redis);
}

void main();
