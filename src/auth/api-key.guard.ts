import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AppException } from '../common/errors/app.exception';
import { ErrorCode } from '../common/errors/error-code';
import type { ApiKeyIdentity, ApiKeyRole } from './api-key-role';
import { MAX_API_KEY_LENGTH } from './api-key-client.resolver';
import { ApiKeysService } from './api-keys.service';

const ROLES = 'cma:roles';

/** Routes that need an API key of one of these roles (checked by ApiKeyGuard). */
export const RequireRole = (...roles: ApiKeyRole[]) => SetMetadata(ROLES, roles);

/** Deny by default: no key → 401, unknown or revoked key → 401, wrong role → 403. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const roles = this.reflector.getAllAndOverride<ApiKeyRole[] | undefined>(ROLES, [
      context.getHandler(),
      context.getClass(),
    ]) ?? ['admin'];
    const request = context
      .switchToHttp()
      .getRequest<FastifyRequest & { apiKey?: ApiKeyIdentity }>();
    const header = request.headers['x-api-key'];
    const key = Array.isArray(header) ? header[0] : header;
    if (!key) {
      throw new AppException(
        ErrorCode.Unauthorized,
        'An API key is required: send it in the X-API-Key header',
        {
          headers: { 'WWW-Authenticate': 'ApiKey header="X-API-Key"' },
        },
      );
    }
    // Verified against the database on every request: a revoked key is refused at once.
    const identity = key.length <= MAX_API_KEY_LENGTH ? await this.apiKeys.identify(key) : null;
    if (!identity) {
      throw new AppException(ErrorCode.Unauthorized, 'The API key is not valid', {
        headers: { 'WWW-Authenticate': 'ApiKey header="X-API-Key"' },
      });
    }
    if (!roles.includes(identity.role)) {
      throw new AppException(
        ErrorCode.Forbidden,
        `This operation needs a key with role: ${roles.join(' or ')}`,
      );
    }
    request.apiKey = identity;
    return true;
  }
}
