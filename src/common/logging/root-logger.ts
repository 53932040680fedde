import pino, { type Logger } from 'pino';
import type { AppConfig } from '../../config/app-config';

const loggers = new WeakMap<AppConfig, Logger>();

/**
 * The one pino logger of an application: Fastify logs requests with it and Nest's logger
 * (nestjs-pino) writes through it, so there is one destination and one level. Built per
 * configuration, because the Fastify adapter exists before the module graph does.
 */
export function rootLogger(config: AppConfig): Logger {
  let logger = loggers.get(config);
  if (!logger) {
    logger = pino({
      level: config.log.level,
      transport:
        config.env === 'development' && process.stdout.isTTY
          ? {
              target: 'pino-pretty',
              options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' },
            }
          : undefined,
    });
    loggers.set(config, logger);
  }
  return logger;
}
