import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ApiKeyRole } from './api-key-role';

export interface ApiKeyRow {
  id: string;
  name: string;
  role: ApiKeyRole;
  key_prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
}

export interface NewApiKey {
  name: string;
  role: ApiKeyRole;
  prefix: string;
  /** SHA-256 of the key, hex. */
  hash: string;
  expiresAt: Date | null;
}

const COLUMNS = 'id, name, role, key_prefix, created_at, last_used_at, expires_at, revoked_at';

/** The `api_keys` table. Keys are found by their hash; the key itself is never stored. */
@Injectable()
export class ApiKeysRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The key with this hash if it may be used now: not revoked, not expired. */
  async findUsable(hash: string): Promise<Pick<ApiKeyRow, 'id' | 'name' | 'role'> | null> {
    const [row] = await this.dataSource.query<Pick<ApiKeyRow, 'id' | 'name' | 'role'>[]>(
      `SELECT id, name, role FROM api_keys
        WHERE key_hash = $1 AND NOT revoked AND (expires_at IS NULL OR expires_at > now())`,
      [hash],
    );
    return row ?? null;
  }

  async touch(id: string): Promise<void> {
    await this.dataSource.query('UPDATE api_keys SET last_used_at = now() WHERE id = $1', [id]);
  }

  /** Stores a key; null when an unrevoked key already has this name. */
  async insert(key: NewApiKey): Promise<ApiKeyRow | null> {
    const [row] = await this.dataSource.query<ApiKeyRow[]>(
      `INSERT INTO api_keys (name, role, key_prefix, key_hash, expires_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) WHERE NOT revoked DO NOTHING
       RETURNING ${COLUMNS}`,
      [key.name, key.role, key.prefix, key.hash, key.expiresAt],
    );
    return row ?? null;
  }

  /** Every key, newest first; revoked ones only when asked. */
  async list(includeRevoked: boolean): Promise<ApiKeyRow[]> {
    return this.dataSource.query<ApiKeyRow[]>(
      `SELECT ${COLUMNS} FROM api_keys
        WHERE $1 OR NOT revoked
        ORDER BY created_at DESC, id`,
      [includeRevoked],
    );
  }

  /** Revokes a key; its hash (to forget cached verifications), or null if there is none to revoke. */
  async revoke(id: string): Promise<string | null> {
    // TypeORM answers an UPDATE with [rows, affected count].
    const [rows] = await this.dataSource.query<[{ key_hash: string }[], number]>(
      `UPDATE api_keys SET revoked = true, revoked_at = now()
        WHERE id = $1 AND NOT revoked
        RETURNING key_hash`,
      [id],
    );
    return rows[0]?.key_hash ?? null;
  }
}
