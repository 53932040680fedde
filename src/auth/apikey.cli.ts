// npm run apikey:create -- --name ops --role admin
// Issues an API key against the configured database and prints it once.
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { loadAppConfig } from '../config/app-config';
import { buildDataSourceOptions } from '../database/data-source-options';
import { DatabaseServer } from '../database/database-server';
import { runPendingMigrations } from '../database/migrate';
import { API_KEY_ROLES, ApiKeysService, type ApiKeyRole } from './api-keys.service';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { name: { type: 'string' }, role: { type: 'string', default: 'admin' } },
  });
  const role = values.role as ApiKeyRole;
  if (!values.name || !/^[\w.-]{1,100}$/.test(values.name) || !API_KEY_ROLES.includes(role)) {
    throw new Error(
      `Usage: npm run apikey:create -- --name <name> --role <${API_KEY_ROLES.join('|')}>`,
    );
  }
  const config = loadAppConfig();
  const server = new DatabaseServer(config);
  const dataSource = new DataSource(
    buildDataSourceOptions(config, await server.url(), () => undefined),
  );
  await dataSource.initialize();
  try {
    await runPendingMigrations(dataSource, server.isEmbedded);
    const key = await new ApiKeysService(config, dataSource).create(values.name, role);
    console.log(`API key for '${values.name}' (${role}); it is shown only now:\n${key}`);
  } finally {
    await dataSource.destroy();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
