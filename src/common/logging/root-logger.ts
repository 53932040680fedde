import type { FastifyRequest } from 'fastify';
import pino, { type Logger, type LoggerOptions } from 'pino';
import type { AppConfig } from '../../config/app-config';
import { redactUrl } from './redact-url';

const loggers = new WeakMap<AppConfig, Logger>();

/** Nest's boot chatter: a line per module, route and gateway message. */
const BOOT_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'WebSocketsController',
  'NestFactory',
  'NestApplication',
]);
const INFO = 30;

/**
 * Whether an info line is framework boot chatter: Nest's (by its context) or Fastify's
 * "Server listening at" (one per address). The service prints one ready line instead.
 */
function isBootChatter(args: unknown[]): boolean {
  const [first, second] = args;
  if (typeof first === 'string') return first.startsWith('Server listening at ');
  const context = (first as { context?: unknown } | null)?.context;
  return (
    typeof context === 'string' &&
    BOOT_CONTEXTS.has(context) &&
    (typeof second !== 'string' || !second.includes('error'))
  );
}

/** A request as Fastify's own serializer writes it, with credentials in its URL redacted. */
function serializeRequest(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** An error's message and stack may quote a URL (a provider call, a connection string). */
function serializeError(error: Error): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  for (const field of ['message', 'stack'] as const) {
    if (typeof serialized[field] === 'string') serialized[field] = redactUrl(serialized[field]);
  }
  return serialized;
}

/** The root logger's options: its level, its redacting serializers and hooks, its output. */
export function rootLoggerOptions(config: AppConfig): LoggerOptions {
  return {
    level: config.log.level,
    // Fastify takes these over for its request lines; every other line uses them too.
    serializers: { req: serializeRequest, err: serializeError },
    hooks: {
      logMethod(args, method, level) {
        for (let i = 0; i < args.length; i++) {
          if (typeof args[i] === 'string') args[i] = redactUrl(args[i] as string);
        }
        if (level === INFO && isBootChatter(args)) {
          // Still there at LOG_LEVEL=debug, for whoever wants the route table.
          this.debug(...args);
          return;
        }
        method.apply(this, args);
      },
    },
    transport:
      config.env === 'development' && process.stdout.isTTY
        ? {
            target: 'pino-pretty',
            options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' },
          }
        : undefined,
  };
}

/**
 * The one pino logger of an application: Fastify logs requests with it and Nest's logger
 * (nestjs-pino) writes through it, so there is one destination and one level. Built per
 * configuration, because the Fastify adapter exists before the module graph does.
 */
export function rootLogger(config: AppConfig): Logger {
  let logger = loggers.get(config);
  if (!logger) {
    logger = pino(rootLoggerOptions(config));
    loggers.set(config, logger);
  }
  return logger;
}
