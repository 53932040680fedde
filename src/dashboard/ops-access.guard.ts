import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { AppConfig } from '../config/app-config';

/**
 * The operations data is open unless DASHBOARD_OPS_REQUIRE_API_KEY (default:
 * WS_REQUIRE_API_KEY) asks for an admin key; then it is ApiKeyGuard's 401/403.
 */
@Injectable()
export class OpsAccessGuard implements CanActivate {
  constructor(
    private readonly config: AppConfig,
    private readonly apiKeys: ApiKeyGuard,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    return this.config.dashboard.opsRequireApiKey ? this.apiKeys.canActivate(context) : true;
  }
}
