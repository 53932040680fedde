import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { closeRedisClient, createBlockingRedisClient } from '../redis/redis-client.factory';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { RedisKeys } from '../redis/redis-keys';

/**
 * Tells every instance that a key was revoked, so none keeps honouring a verification it
 * cached (Redis pub/sub; one process needs no message). A message lost in a Redis outage
 * leaves a cached verification to expire on its own (ApiKeysService's cache bound).
 */
@Injectable()
export class ApiKeyRevocations implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ApiKeyRevocations.name);
  private readonly listeners: ((hash: string) => void)[] = [];
  private readonly channel: string;
  private subscriber?: Redis;

  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis | null,
    keys: RedisKeys,
  ) {
    this.channel = keys.apiKeyRevocations;
  }

  onModuleInit(): void {
    if (!this.redis || !this.config.redis.url) return;
    this.subscriber = createBlockingRedisClient(this.config.redis.url, 'revocations');
    this.subscriber.on('message', (channel: string, hash: string) => {
      if (channel === this.channel) this.notify(hash);
    });
    // ioredis subscribes again after each reconnection.
    this.subscriber.subscribe(this.channel).catch((error: unknown) => {
      this.logger.warn(`not subscribed to key revocations: ${String(error)}`);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.subscriber) await closeRedisClient(this.subscriber);
  }

  onRevoked(listener: (hash: string) => void): void {
    this.listeners.push(listener);
  }

  /** Forgets the key here at once, and on the other instances through Redis. */
  async announce(hash: string): Promise<void> {
    this.notify(hash);
    await this.redis?.publish(this.channel, hash).catch((error: unknown) => {
      this.logger.warn(`key revocation not announced to other instances: ${String(error)}`);
    });
  }

  private notify(hash: string): void {
    for (const listener of this.listeners) listener(hash);
  }
}
