import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { REQUEST_ID_HEADER, resolveRequestId } from './common/http/request-id';
import { securityHeaders } from './common/http/security-headers';
import { setupSwagger } from './common/http/swagger';
import type { AppConfig } from './config/app-config';
import { MetricsService } from './metrics/metrics.service';

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
];

export function buildFastifyAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
    genReqId: resolveRequestId,
    requestIdHeader: false,
    return503OnClosing: true,
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

  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(MetricsService);
  fastify.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('x-response-time', `${reply.elapsedTime.toFixed(1)}ms`);
    return payload;
  });
  fastify.addHook('onResponse', async (request, reply) => {
    metrics.observeHttp(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1_000,
    );
  });

  const headers = securityHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: [`'self'`],
        styleSrc: [`'self'`, `'unsafe-inline'`],
        imgSrc: [`'self'`, 'data:', 'validator.swagger.io'],
        scriptSrc: [`'self'`, `'unsafe-inline'`],
        connectSrc: [`'self'`],
      },
    },
  });
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.headers(headers).header(REQUEST_ID_HEADER, request.id);
  });
  app.enableCors({
    origin: config.http.corsOrigins === '*' ? '*' : config.http.corsOrigins,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
  setupSwagger(app);
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
