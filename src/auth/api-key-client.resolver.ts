import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { setRequestClient } from '../common/http/request-client';
import { ApiKeysService, hashOf } from './api-keys.service';

/** Longer keys are refused before hashing. */
export const MAX_API_KEY_LENGTH = 256;

/** The `X-API-Key` of a request, if it sent one of a sane length. */
export function apiKeyOf(request: { headers: FastifyRequest['headers'] }): string | undefined {
  const header = request.headers['x-api-key'];
  const key = Array.isArray(header) ? header[0] : header;
  return key && key.length <= MAX_API_KEY_LENGTH ? key : undefined;
}

/**
 * Resolves a request's API key onto it before any guard runs, so the rate limits count it
 * against its key and tier. Only a key that verifies counts as a key: otherwise sending a
 * new random key would buy a fresh allowance each time. While the database is unreachable
 * a key counts against the address (and is asked about again on the next request).
 */
@Injectable()
export class ApiKeyClientResolver {
  constructor(private readonly apiKeys: ApiKeysService) {}

  /** Fastify `onRequest` hook (callback style: requests without a key cost no promise). */
  readonly onRequest = (request: FastifyRequest, _reply: unknown, done: () => void): void => {
    const key = apiKeyOf(request);
    if (!key) return done();
    void this.apiKeys
      .identifyCached(key)
      .catch(() => null)
      .then((identity) => {
        if (identity) {
          setRequestClient(request, {
            tracker: `key:${hashOf(key).slice(0, 32)}`,
            role: identity.role,
          });
        }
      })
      .finally(done);
  };
}
