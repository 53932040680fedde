// Each e2e suite gets its own database: an in-memory PGlite in embedded mode, or a fresh
// throwaway database on the real server when DATABASE_URL is set (dropped afterwards).
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export interface TestDatabase {
  /** Environment entries that point the app at this database. */
  env: Record<string, string>;
  /** Connection URL in server mode, undefined in embedded mode. */
  url?: string;
  drop(): Promise<void>;
}

export const serverDatabaseUrl = process.env.DATABASE_URL || undefined;

export async function createTestDatabase(): Promise<TestDatabase> {
  if (!serverDatabaseUrl) {
    return { env: { PGLITE_DATA_DIR: 'memory://' }, drop: async () => undefined };
  }
  const name = `cma_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: serverDatabaseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverDatabaseUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: serverDatabaseUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
