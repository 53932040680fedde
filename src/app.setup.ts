import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ApiKeyClientResolver } from './auth/api-key-client.resolver';
import { REQUEST_ID_HEADER, resolveRequestId } from './common/http/request-id';
import {
  API_SECURITY_HEADERS,
  PAGE_PATH_PREFIXES,
  PAGE_SECURITY_HEADERS,
} from './common/http/security-headers';
import { RouteMethods } from './common/http/route-methods';
import { UnroutedRequestLimiter } from './common/rate-limit/unrouted-requests.limiter';
import { registerCompression } from './common/http/compression';
import { setupSwagger } from './common/http/swagger';
import { ErrorCode } from './common/errors/error-code';
import { PROBLEM_CONTENT_TYPE, buildProblem } from './common/errors/problem-details';
import { answerClientError, answerRouterError } from './common/http/transport-errors';
import { RequestLogController } from './common/logging/request-log';
import { rootLogger } from './common/logging/root-logger';
import type { AppConfig } from './config/app-config';
import { registerFileBodies } from './common/http/file-bodies';
import { MetricsService } from './metrics/metrics.service';
import { RealtimeIoAdapter } from './realtime/realtime-io.adapter';

/** Response headers a browser's script may read on a cross-origin answer. */
const EXPOSED_HEADERS = [
  'X-Request-Id',
  'X-Cache',
  'X-Response-Time',
  'ETag',
  'Retry-After',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
  'RateLimit',
  'RateLimit-Policy',
  'X-Total-Count',
  'X-Has-More',
].join(', '); // joined once, not on every response

export function buildFastifyAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
    genReqId: resolveRequestId,
    requestIdHeader: false,
    loggerInstance: rootLogger(config),
    logController: new RequestLogController({ requestIdLogLabel: 'requestId' }),
    return503OnClosing: true,
    // Answered before any hook runs: problem+json with the usual headers, like the rest.
    frameworkErrors: answerRouterError,
    clientErrorHandler: answerClientError,
    routerOptions: { ignoreTrailingSlash: true },
    connectionTimeout: 30_000,
    keepAliveTimeout: 72_000, // above common load-balancer idle timeouts (60 s)
  });
}

/**
 * Everything around the module graph: logger, request ids, metrics, security headers,
 * CORS, Swagger. Production (createApp) and the e2e tests configure the app the same way.
 */
export async function configureApp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  app.useLogger(app.get(Logger));

  // Before any route is added (Swagger's, then the controllers'), so that every route gets it.
  await registerCompression(app);
  const fastify = app.getHttpAdapter().getInstance();
  // Bodies are JSON: anything else (text/plain included) is 415, not a string handed to a DTO.
  fastify.removeContentTypeParser('text/plain');
  // … but for the routes that import files (CSV, gzip), under their own size limit.
  registerFileBodies(fastify, config.http.importBodyLimitBytes);
  const metrics = app.get(MetricsService);
  // Every route registered from here on (Swagger, then the controllers at init).
  const routes = new RouteMethods();
  fastify.addHook('onRoute', (route) => routes.add(route.method, route.url, route.config));
  // A browser reads Access-Control-Expose-Headers only on the answer to a CORS request, and
  // every CORS request sends Origin: requests without one (servers, SDKs, curl, the
  // dashboard's same-origin fetches) are spared its ~190 bytes. With a list of origins every
  // answer carries `Vary: Origin` (@fastify/cors), so a shared cache keeps the two apart; with
  // `*` it does not, so there the header goes on every answer (see enableCors below).
  const anyOrigin = config.http.corsOrigins === '*';
  // Callback-style hooks: on the hottest routes, async hooks cost a promise each.
  const identify = (request: FastifyRequest, reply: FastifyReply): void => {
    const isPage = PAGE_PATH_PREFIXES.some((prefix) => request.url.startsWith(prefix));
    void reply
      .headers(isPage ? PAGE_SECURITY_HEADERS : API_SECURITY_HEADERS)
      .header(REQUEST_ID_HEADER, request.id);
    if (!anyOrigin && request.headers.origin !== undefined) {
      void reply.header('access-control-expose-headers', EXPOSED_HEADERS);
    }
  };
  fastify.addHook('onRequest', (request, reply, done) => {
    identify(request, reply);
    done();
  });
  // The caller's API key, verified, before any guard counts the request against a limit.
  fastify.addHook('onRequest', app.get(ApiKeyClientResolver).onRequest);
  // Unknown paths and OPTIONS count against the client's limit too (guards never see them).
  const unrouted = app.get(UnroutedRequestLimiter);
  fastify.addHook('onRequest', unrouted.onRequest);
  fastify.addHook('onResponse', unrouted.onResponse);
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.is404) {
      // A path that exists under other methods is a method swap: 405 with Allow, not 404.
      const allowed = routes.allowed(request.url);
      if (allowed.length > 0) {
        void reply
          .status(405)
          .header('allow', allowed.join(', '))
          .header('content-type', PROBLEM_CONTENT_TYPE)
          .send(
            buildProblem({
              status: 405,
              code: ErrorCode.MethodNotAllowed,
              detail: `Method ${request.method} is not allowed on this path; allowed: ${allowed.join(', ')}`,
              instance: request.url.split('?')[0],
              requestId: String(request.id),
            }),
          );
        return;
      }
    }
    done();
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    // CORS preflights are answered by a hook the adapter adds before this one.
    if (!reply.hasHeader(REQUEST_ID_HEADER)) identify(request, reply);
    void reply.header('x-response-time', `${reply.elapsedTime.toFixed(1)}ms`);
    done(null, payload);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.observeHttp(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1_000,
    );
    done();
  });
  app.enableCors({
    origin: anyOrigin ? '*' : config.http.corsOrigins,
    // With a list of origins, `identify` adds them to the answers of CORS requests only.
    ...(anyOrigin ? { exposedHeaders: EXPOSED_HEADERS } : {}),
    maxAge: 600,
    // An OPTIONS request that is not a preflight gets the CORS headers and a 204, not the
    // plugin's 400 text/plain.
    strictPreflight: false,
  });
  setupSwagger(app);
  app.useWebSocketAdapter(new RealtimeIoAdapter(app));
  await app.init();
}

export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    buildFastifyAdapter(config),
    { bufferLogs: true, abortOnError: false },
  );
  await configureApp(app, config);
  return app;
}
