// npm run apikey:create -- --name ops --role admin
// Issues an API key against the configured database and prints it once.
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { runCli, withCliDataSource } from '../database/cli-data-source';
import { runPendingMigrations } from '../database/migrate';
import { API_KEY_ROLES, type ApiKeyRole } from './api-key-role';
import { ApiKeysRepository } from './api-keys.repository';
import { generateApiKey } from './api-keys.service';

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
    const { key, stored } = generateApiKey(values.name!, role, null);
    if (!(await new ApiKeysRepository(dataSource).insert(stored))) {
      throw new Error(`An active API key named '${values.name}' exists: choose another name`);
    }
    console.log(`API key for '${values.name}' (${role}); it is shown only now:\n${key}`);
  });
}

runCli(main);
