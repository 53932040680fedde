import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../../config/app-config';
import { rootLogger } from './root-logger';

/**
 * Nest's logger writes JSON lines (pretty in a development terminal) through the root
 * logger. Request lines are Fastify's (`RequestLogController`), not pino-http middleware:
 * a Nest middleware would put every request through middie and an AsyncLocalStorage
 * context. Logs written during a request name its id explicitly (the error filter does).
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        pinoHttp: { logger: rootLogger(config) },
        forRoutes: [],
      }),
    }),
  ],
})
export class LoggingModule {}
