import { Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppException } from '../common/errors/app.exception';
import { ErrorCode } from '../common/errors/error-code';
import { AppConfig } from '../config/app-config';
import type { ApiKeyIdentity, ApiKeyRole } from './api-key-role';
import { ApiKeyRevocations } from './api-key-revocations';
import { ApiKeysRepository, type ApiKeyRow, type NewApiKey } from './api-keys.repository';

/** How long a verification is reused for a request's rate-limit tier. */
const VERIFIED_FOR_MS = 60_000;
const VERIFIED_MAX = 10_000;
/** `last_used_at` is written at most this often per key and instance. */
const TOUCH_EVERY_MS = 60_000;

export const hashOf = (key: string): string => createHash('sha256').update(key).digest('hex');

/** A new key (`cma_` + 256 random bits), with what is stored of it. */
export function generateApiKey(
  name: string,
  role: ApiKeyRole,
  expiresAt: Date | null,
): { key: string; stored: NewApiKey } {
  const key = `cma_${randomBytes(32).toString('base64url')}`;
  return { key, stored: { name, role, prefix: key.slice(0, 12), hash: hashOf(key), expiresAt } };
}

/**
 * API keys: the bootstrap ADMIN_API_KEY from the environment, and keys issued over the
 * admin API or with `npm run apikey:create`, of which only the SHA-256 is stored.
 */
@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger(ApiKeysService.name);
  private readonly bootstrapHash: Buffer | null;
  private readonly verified = new Map<string, { identity: ApiKeyIdentity | null; until: number }>();
  private readonly touched = new Map<string, number>();

  constructor(
    config: AppConfig,
    private readonly repository: ApiKeysRepository,
    private readonly revocations: ApiKeyRevocations,
  ) {
    this.bootstrapHash = config.auth.adminApiKey
      ? Buffer.from(hashOf(config.auth.adminApiKey), 'hex')
      : null;
    revocations.onRevoked((hash) => this.verified.delete(hash));
  }

  /** Verifies a key against the database now: admin routes and connections. */
  async identify(key: string): Promise<ApiKeyIdentity | null> {
    return this.verify(hashOf(key));
  }

  /**
   * The same answer, reused for up to a minute (rate-limit tiers are resolved on every
   * request). A revocation clears it on every instance at once.
   */
  async identifyCached(key: string): Promise<ApiKeyIdentity | null> {
    const hash = hashOf(key);
    const now = Date.now();
    const cached = this.verified.get(hash);
    if (cached && cached.until > now) return cached.identity;
    const identity = await this.verify(hash);
    if (this.verified.size >= VERIFIED_MAX) this.verified.clear();
    this.verified.set(hash, { identity, until: now + VERIFIED_FOR_MS });
    return identity;
  }

  /** Issues a key; the plain key is in the answer once and never stored. */
  async create(
    name: string,
    role: ApiKeyRole,
    expiresAt: Date | null = null,
  ): Promise<{ key: string; row: ApiKeyRow }> {
    if (expiresAt && expiresAt.getTime() <= Date.now()) {
      throw AppException.validation([
        { field: 'expires_at', message: 'expires_at must be in the future' },
      ]);
    }
    const { key, stored } = generateApiKey(name, role, expiresAt);
    const row = await this.repository.insert(stored);
    if (!row) {
      throw new AppException(
        ErrorCode.Conflict,
        `An active API key named '${name}' exists: revoke it first or choose another name`,
      );
    }
    this.logger.log({ keyId: row.id, name, role }, 'API key issued');
    return { key, row };
  }

  list(includeRevoked: boolean): Promise<ApiKeyRow[]> {
    return this.repository.list(includeRevoked);
  }

  /** Revokes a key at once on every instance; false when there was no active key by that id. */
  async revoke(id: string): Promise<boolean> {
    const hash = await this.repository.revoke(id);
    if (!hash) return false;
    await this.revocations.announce(hash);
    this.logger.log({ keyId: id }, 'API key revoked');
    return true;
  }

  private async verify(hash: string): Promise<ApiKeyIdentity | null> {
    const digest = Buffer.from(hash, 'hex');
    if (this.bootstrapHash && timingSafeEqual(digest, this.bootstrapHash)) {
      return { name: 'bootstrap', role: 'admin' };
    }
    // Looked up by its hash: the index compares digests, never the key itself.
    const row = await this.repository.findUsable(hash);
    if (!row) return null;
    this.touch(row.id);
    return { name: row.name, role: row.role };
  }

  private touch(id: string): void {
    const now = Date.now();
    if ((this.touched.get(id) ?? 0) > now - TOUCH_EVERY_MS) return;
    if (this.touched.size >= VERIFIED_MAX) this.touched.clear();
    this.touched.set(id, now);
    this.repository
      .touch(id)
      .catch((error: unknown) => this.logger.debug(`last_used_at not updated: ${String(error)}`));
  }
}
