import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The headers helmet sets for a configuration. Ours is static (no per-request CSP nonces),
 * so helmet runs once at boot and every response gets the resulting map: the same headers
 * as running its middleware per request, at a fraction of the cost on the hot read path.
 */
export function securityHeaders(options: HelmetOptions): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)(
    {} as IncomingMessage,
    response as unknown as ServerResponse,
    (error?: unknown) => {
      if (error instanceof Error) throw error;
    },
  );
  return Object.freeze(headers);
}

/**
 * JSON responses: nothing may load or frame them. Headers that only matter to documents
 * (or to browsers long gone: X-Download-Options, X-XSS-Protection, …) are left out, since
 * every byte is paid on every response of the hottest routes.
 */
export const API_SECURITY_HEADERS = securityHeaders({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: [`'none'`], frameAncestors: [`'none'`] },
  },
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
  xFrameOptions: { action: 'deny' },
});

/** HTML pages served by the API (Swagger UI, the test page, the dashboard): helmet's full set. */
export const PAGE_SECURITY_HEADERS = securityHeaders({
  contentSecurityPolicy: {
    directives: {
      defaultSrc: [`'self'`],
      styleSrc: [`'self'`, `'unsafe-inline'`],
      imgSrc: [`'self'`, 'data:', 'validator.swagger.io'],
      // No inline script: Swagger UI and the pages load theirs from files (swagger-ui-init.js).
      scriptSrc: [`'self'`],
      connectSrc: [`'self'`],
    },
  },
});

/** Path prefixes that serve HTML pages and their assets. */
export const PAGE_PATH_PREFIXES = ['/docs', '/ws/test', '/dashboard'];
