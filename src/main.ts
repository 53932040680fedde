import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.setup';
import { rootLogger } from './common/logging/root-logger';
import { ConfigValidationError, loadAppConfig, type AppConfig } from './config/app-config';

function describeDatabase(config: AppConfig): string {
  if (config.database.url) return 'PostgreSQL server (DATABASE_URL)';
  return config.database.pgliteDataDir === 'memory://'
    ? 'embedded PostgreSQL (PGlite) in memory'
    : `embedded PostgreSQL (PGlite) in ${config.database.pgliteDataDir}; a first start creates it (about 5 s)`;
}

/** The one line that says the service is up: where, on what, fed by what. */
function readyLine(config: AppConfig, url: string): string {
  const { providers, simulator, binance } = config.ingestion;
  const feeds = [
    ...(binance.stream && providers.includes('binance') ? ['Binance live stream'] : []),
    ...(simulator.enabled ? ['market simulator'] : []),
  ];
  return [
    `ready at ${url.replace('[::1]', 'localhost')} (docs at /docs)`,
    config.database.url ? 'PostgreSQL server' : 'embedded PostgreSQL',
    config.redis.url ? 'Redis' : 'in-memory cache',
    `sources: ${providers.join(', ')}${feeds.length ? ` + ${feeds.join(', ')}` : ''}`,
  ].join(' · ');
}

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
  const log = rootLogger(config).child({ context: 'Bootstrap' });
  log.info(`starting: ${describeDatabase(config)}`);
  const app = await createApp(config);
  handleShutdownSignals(() => app.close(), config.http.shutdownTimeoutMs);
  await app.listen({ port: config.http.port, host: config.http.host });
  log.info(readyLine(config, await app.getUrl()));
}

bootstrap().catch((error: unknown) => {
  console.error('Failed to start:', error);
  process.exit(1);
});
