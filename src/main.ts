import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.setup';
import { ConfigValidationError, loadAppConfig, type AppConfig } from './config/app-config';

/**
 * Stops accepting connections, lets in-flight requests finish, closes the database,
 * Redis and the embedded server, then exits 0 (1 if that takes longer than allowed).
 */
function handleShutdownSignals(close: () => Promise<void>, timeoutMs: number): void {
  const logger = new Logger('Shutdown');
  let closing = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received, shutting down`);
    const deadline = setTimeout(() => {
      logger.error(`shutdown took longer than ${timeoutMs} ms, exiting`);
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    close().then(
      () => {
        logger.log('shutdown complete');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

async function bootstrap(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadAppConfig();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const app = await createApp(config);
  handleShutdownSignals(() => app.close(), config.http.shutdownTimeoutMs);
  await app.listen({ port: config.http.port, host: config.http.host });
  new Logger('Bootstrap').log(`listening on ${await app.getUrl()} (docs at /docs)`);
}

bootstrap().catch((error: unknown) => {
  console.error('Failed to start:', error);
  process.exit(1);
});
