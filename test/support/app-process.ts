// Runs the built service (dist/) as a real child process, as `npm start` does, so that
// boot failures, signals and exit codes are tested for real. `npm test` builds first.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const MAIN_JS = join(__dirname, '..', '..', 'dist', 'src', 'main.js');

export interface AppProcess {
  child: ChildProcess;
  baseUrl: Promise<string>;
  output: () => string;
  exited: Promise<number | null>;
}

export function spawnApp(env: Record<string, string>): AppProcess {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run npm run build first`);
  const child = spawn(process.execPath, [MAIN_JS], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      SYNC_ON_STARTUP: 'false',
      // The bundled daily history has its own suite (history-import).
      HISTORY_BUNDLE_IMPORT: 'false',
      INGESTION_SCHEDULE: 'false',
      BINANCE_STREAM: 'false',
      RATE_LIMIT_PER_MINUTE: '1000000',
      // Suites ingest and read back at once; the bounded bump rate has its own tests.
      CACHE_INVALIDATION_INTERVAL_MS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let resolveUrl!: (url: string) => void;
  const baseUrl = new Promise<string>((resolve) => (resolveUrl = resolve));
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    const match = /ready at (http:\/\/[^\s"]+)/.exec(output);
    if (match) resolveUrl(match[1].replace('0.0.0.0', '127.0.0.1'));
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, baseUrl, output: () => output, exited };
}

/** The service's URL once it is ready; its output if it exits or hangs instead. */
export async function ready(app: AppProcess, withinMs = 40_000): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const failed = (why: string) => new Error(`the service ${why}:\n${app.output()}`);
  try {
    return await Promise.race([
      app.baseUrl,
      app.exited.then((code) => Promise.reject(failed(`exited (${code}) before it was ready`))),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(failed(`was not ready in ${withinMs} ms`)), withinMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Issues an API key with the built CLI (`npm run apikey:create`) and returns it. */
export async function createApiKey(
  env: Record<string, string>,
  name: string,
  role: 'admin' | 'partner' | 'reader',
): Promise<string> {
  const cli = join(__dirname, '..', '..', 'dist', 'src', 'auth', 'apikey.cli.js');
  const child = spawn(process.execPath, [cli, '--name', name, '--role', role], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const key = output.trim().split('\n').at(-1);
  if (code !== 0 || !key) throw new Error(`apikey:create exited ${code}:\n${output}`);
  return key;
}
