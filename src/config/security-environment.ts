// Who may call, from where, and how often: the admin key, CORS, the proxy trusted for client
// addresses, rate limits and the operations view's key requirement.
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { BooleanVar, IntegerVar } from './environment-decorators';

export class SecurityEnvironment {
  @IntegerVar(1)
  RATE_LIMIT_PER_MINUTE = 100;

  @IntegerVar(1)
  SYNC_RATE_LIMIT_PER_MINUTE = 10;

  @IntegerVar(1)
  PARTNER_RATE_LIMIT_PER_MINUTE = 1_000;

  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters long' })
  @MaxLength(256)
  ADMIN_API_KEY?: string;

  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  @BooleanVar()
  TRUST_PROXY = false;

  /** The dashboard's operations data (/dashboard/data/ops) needs an admin key (default: WS_REQUIRE_API_KEY). */
  @IsOptional()
  @BooleanVar()
  DASHBOARD_OPS_REQUIRE_API_KEY?: boolean;
}
