// Server mode: the app reaches its own throwaway database through a TCP proxy the test can
// cut and restore, so PostgreSQL "goes away" without stopping the server other suites share.
import { TcpProxy } from './tcp-proxy';
import { startTestApp, type TestApp } from './test-app';
import { createTestDatabase } from './test-database';

/** The app and the proxy in front of its database; closing the app drops the database and stops the proxy. */
export async function startTestAppBehindDatabaseProxy(
  env: Record<string, string> = {},
): Promise<{ sut: TestApp; proxy: TcpProxy }> {
  const database = await createTestDatabase();
  const target = new URL(database.url!);
  const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
  target.host = `127.0.0.1:${await proxy.start()}`;
  const sut = await startTestApp({
    database: { ...database, env: { DATABASE_URL: target.toString() } },
    env,
  });
  sut.close = ((close) => async () => {
    await close();
    await database.drop();
    await proxy.stop();
  })(sut.close);
  return { sut, proxy };
}
