import { Global, Module } from '@nestjs/common';
import { ApiKeyClientResolver } from './api-key-client.resolver';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyRevocations } from './api-key-revocations';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';

/** API keys: verification, the deny-by-default guard, and their management over the API. */
@Global()
@Module({
  controllers: [ApiKeysController],
  providers: [
    ApiKeysRepository,
    ApiKeysService,
    ApiKeyRevocations,
    ApiKeyGuard,
    ApiKeyClientResolver,
  ],
  exports: [ApiKeysService, ApiKeyGuard, ApiKeyClientResolver],
})
export class AuthModule {}
