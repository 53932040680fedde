import { normalizeIp } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';

/**
 * Who a request comes from, for rate limits: a verified API key (its tier is its role), else
 * the client address. Auth resolves the key onto the request before any guard runs (an
 * `onRequest` hook, see auth/api-key-client.resolver.ts); the rate limits read it here.
 */
export interface RequestClient {
  tracker: string;
  role: string | null;
}

const CLIENT = Symbol('requestClient');
type WithClient = FastifyRequest & { [CLIENT]?: RequestClient };

export function setRequestClient(request: FastifyRequest, client: RequestClient): void {
  (request as WithClient)[CLIENT] = client;
}

/** The request's client; its address when no verified key was resolved onto it. */
export function requestClientOf(request: FastifyRequest): RequestClient {
  const withClient = request as WithClient;
  return (withClient[CLIENT] ??= { tracker: `ip:${normalizeIp(request.ip)}`, role: null });
}
