// Shared by the command-line tools (migrations, API keys): a data source on the configured
// database — DATABASE_URL, or the embedded one — opened for one job and closed after it.
import { DataSource, type DataSourceOptions } from 'typeorm';
import { loadAppConfig } from '../config/app-config';
import { buildDataSourceOptions } from './data-source-options';
import { DatabaseServer } from './database-server';

export async function withCliDataSource<T>(
  job: (dataSource: DataSource, server: DatabaseServer) => Promise<T>,
  options: Partial<DataSourceOptions> = {},
): Promise<T> {
  const config = loadAppConfig();
  const server = new DatabaseServer(config);
  const dataSource = new DataSource({
    ...buildDataSourceOptions(config, await server.url(), (error) =>
      console.warn(`idle database connection failed: ${error.message}`),
    ),
    ...options,
  } as DataSourceOptions);
  await dataSource.initialize();
  try {
    return await job(dataSource, server);
  } finally {
    await dataSource.destroy();
    await server.stop();
  }
}

/** Runs a CLI's main function: a failure prints its message (no stack) and exits 1. */
export function runCli(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
