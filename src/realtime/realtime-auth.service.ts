import { Injectable } from '@nestjs/common';
import { ApiKeysService } from '../auth/api-keys.service';
import { ErrorCode } from '../common/errors/error-code';
import { AppConfig } from '../config/app-config';
import type { ErrorPayload } from './realtime.events';

/** WS_REQUIRE_API_KEY=true: connections of both protocols must present a valid API key. */
@Injectable()
export class RealtimeAuthService {
  readonly required: boolean;

  constructor(
    config: AppConfig,
    private readonly apiKeys: ApiKeysService,
  ) {
    this.required = config.realtime.requireApiKey;
  }

  /** Why a connection presenting `key` is refused, or null when it may connect. */
  async refusal(key: unknown): Promise<ErrorPayload | null> {
    if (!this.required) return null;
    if (typeof key !== 'string' || key.length === 0) {
      return { error: 'An API key is required to connect', code: ErrorCode.Unauthorized };
    }
    const identity = await this.apiKeys.identify(key).catch(() => null);
    return identity ? null : { error: 'Invalid API key', code: ErrorCode.Unauthorized };
  }
}
