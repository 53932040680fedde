import { Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';

export const API_KEY_ROLES = ['admin', 'partner', 'reader'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

export interface ApiKeyIdentity {
  name: string;
  role: ApiKeyRole;
}

const hash = (key: string): Buffer => createHash('sha256').update(key).digest();

/**
 * API keys: the bootstrap ADMIN_API_KEY from the environment, and keys issued with
 * `npm run apikey:create`, of which only the SHA-256 is stored. Comparisons are constant-time.
 */
@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger(ApiKeysService.name);
  private readonly bootstrapHash: Buffer | null;

  constructor(
    config: AppConfig,
    private readonly dataSource: DataSource,
  ) {
    this.bootstrapHash = config.auth.adminApiKey ? hash(config.auth.adminApiKey) : null;
  }

  async identify(key: string): Promise<ApiKeyIdentity | null> {
    const digest = hash(key);
    if (this.bootstrapHash && timingSafeEqual(digest, this.bootstrapHash)) {
      return { name: 'bootstrap', role: 'admin' };
    }
    // Looked up by its hash: the index compares digests, never the key itself.
    const [row] = await this.dataSource.query<{ id: string; name: string; role: ApiKeyRole }[]>(
      'SELECT id, name, role FROM api_keys WHERE key_hash = $1 AND NOT revoked',
      [digest.toString('hex')],
    );
    if (!row) return null;
    this.dataSource
      .query('UPDATE api_keys SET last_used_at = now() WHERE id = $1', [row.id])
      .catch((error: unknown) => this.logger.debug(`last_used_at not updated: ${String(error)}`));
    return { name: row.name, role: row.role };
  }

  /** Issues a key; the plain key is returned once and never stored. */
  async create(name: string, role: ApiKeyRole): Promise<string> {
    const key = `cma_${randomBytes(32).toString('base64url')}`;
    await this.dataSource.query(
      'INSERT INTO api_keys (name, role, key_prefix, key_hash) VALUES ($1, $2, $3, $4)',
      [name, role, key.slice(0, 12), hash(key).toString('hex')],
    );
    return key;
  }
}
