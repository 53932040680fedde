import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsISO8601, IsOptional, IsString, Matches } from 'class-validator';
import { API_KEY_ROLES, type ApiKeyRole } from '../api-key-role';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'dashboard-team', description: '1–100 letters, digits, `_`, `.`, `-`' })
  @IsString()
  @Matches(/^[\w.-]{1,100}$/, { message: 'name must be 1 to 100 letters, digits, _, . or -' })
  name!: string;

  @ApiProperty({
    enum: API_KEY_ROLES,
    example: 'reader',
    description:
      'admin: every route, key management included; partner: the partner rate limit; reader: the default limit',
  })
  @IsIn(API_KEY_ROLES, { message: `role must be one of: ${API_KEY_ROLES.join(', ')}` })
  role!: ApiKeyRole;

  @ApiPropertyOptional({
    example: '2027-06-30T00:00:00Z',
    description: 'When the key stops working (ISO 8601, in the future); none by default',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expires_at must be an ISO 8601 date-time' })
  expires_at?: string;
}

export class ListApiKeysQuery {
  @ApiPropertyOptional({ type: Boolean, default: false, description: 'Also list revoked keys' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean({ message: 'include_revoked must be true or false' })
  include_revoked?: boolean;
}

export class ApiKeyDto {
  @ApiProperty({ example: '0b6f8f7e-2f5c-4f38-9a36-6a1f1e0c2b7d' })
  id!: string;

  @ApiProperty({ example: 'dashboard-team' })
  name!: string;

  @ApiProperty({ enum: API_KEY_ROLES, example: 'reader' })
  role!: ApiKeyRole;

  @ApiProperty({ example: 'cma_Xk3v9QpL', description: 'The first 12 characters, to recognise it' })
  key_prefix!: string;

  @ApiProperty({ enum: ['active', 'expired', 'revoked'], example: 'active' })
  status!: 'active' | 'expired' | 'revoked';

  @ApiProperty({ example: '2026-12-04T10:00:00.000Z' })
  created_at!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '2026-12-04T11:00:00.000Z',
    description: 'Last verified use, to the minute',
  })
  last_used_at!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  expires_at!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  revoked_at!: string | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({
    example: 'cma_Xk3v9QpLr2…',
    description: 'The key itself: shown in this answer only, never again',
  })
  key!: string;
}

export class ApiKeyListDto {
  @ApiProperty({ type: [ApiKeyDto] })
  items!: ApiKeyDto[];
}
