// npm run apikey:create -- --name ops --role admin
// Issues an API key against the configured database and prints it once.
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadAppConfig } from '../config/app-config';
import { runCli, withCliDataSource } from '../database/cli-data-source';
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
  await withCliDataSource(async (dataSource, server) => {
    await runPendingMigrations(dataSource, server.isEmbedded);
    const key = await new ApiKeysService(loadAppConfig(), dataSource).create(values.name!, role);
    console.log(`API key for '${values.name}' (${role}); it is shown only now:\n${key}`);
  });
}

runCli(main);
