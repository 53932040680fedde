import type { ApiKeyRow } from './api-keys.repository';
import type { ApiKeyDto } from './dto/api-key.dto';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function mapApiKey(row: ApiKeyRow, now = Date.now()): ApiKeyDto {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    key_prefix: row.key_prefix,
    status: row.revoked_at
      ? 'revoked'
      : row.expires_at && row.expires_at.getTime() <= now
        ? 'expired'
        : 'active',
    created_at: row.created_at.toISOString(),
    last_used_at: iso(row.last_used_at),
    expires_at: iso(row.expires_at),
    revoked_at: iso(row.revoked_at),
  };
}
