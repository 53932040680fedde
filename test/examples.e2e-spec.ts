// The client examples under examples/ run as pasted, against a live test server, and the docs
// quote them as they are.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { clientsFor } from './support/clients';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');
const example = (path: string) => join(ROOT, 'examples', path);

/** A Python with the `websockets` package (Debian's python3-websockets, or pip's), if any. */
async function pythonWithWebsockets(): Promise<string | null> {
  for (const python of ['/usr/bin/python3', 'python3']) {
    try {
      await run(python, ['-c', 'import websockets'], { timeout: 10_000 });
      return python;
    } catch {
      // not this one
    }
  }
  return null;
}

describe('Client examples (e2e)', () => {
  let sut: TestApp;
  let env: NodeJS.ProcessEnv;

  const runExample = async (command: string, file: string, extra: NodeJS.ProcessEnv = {}) => {
    const { stdout } = await run(command, [example(file)], {
      env: { ...env, ...extra },
      timeout: 30_000,
    });
    return stdout;
  };

  beforeAll(async () => {
    sut = await startTestApp({
      env: {
        INGESTION_PROVIDERS: 'csv',
        SYNC_ON_STARTUP: 'true', // the bundled CSV: a listing to print
        MARKET_SIMULATOR: 'true',
        SIMULATOR_SYMBOLS: 'BTC,ETH',
        SIMULATOR_TRADES_PER_SECOND: '20',
        LIVE_FLUSH_MS: '100',
      },
    });
    env = { PATH: process.env.PATH, BASE_URL: sut.baseUrl };
    await waitFor(async () => {
      const price = await clientsFor(sut.baseUrl).market.price('BTC');
      return price.response.ok && price.body.source === 'simulator';
    }, 'a simulated BTC price');
    await waitFor(async () => {
      const btc = await clientsFor(sut.baseUrl).market.detail('BTC');
      return btc.response.ok && btc.body.market_cap !== null;
    }, 'the CSV import');
  });

  afterAll(async () => {
    await sut.close();
  });

  it('javascript/market-data.mjs prints the listing, a price and candles', async () => {
    const output = await runExample(process.execPath, 'javascript/market-data.mjs');

    expect(output).toMatch(/ BTC \d/);
    expect(output).toMatch(/^BTC [\d.]+ from simulator, fresh$/m);
    expect(output).toMatch(/^\d+ hourly candles, \d+ gaps$/m);
  });

  it('javascript/live-prices.mjs subscribes over Socket.IO and prints live prices', async () => {
    const output = await runExample(process.execPath, 'javascript/live-prices.mjs', {
      SYMBOLS: 'BTC',
      UPDATES: '3',
    });

    expect(output).toContain('subscribed to BTC');
    expect(output.match(/^BTC [\d.]+ \(simulator, seq \d+\)$/gm)).toHaveLength(3);
  });

  it('python/market_data.py prints the listing, a price and candles', async () => {
    const output = await runExample('python3', 'python/market_data.py');

    expect(output).toMatch(/ BTC \d/);
    expect(output).toMatch(/^BTC [\d.]+ from simulator, fresh$/m);
  });

  it('python/live_prices.py subscribes over /ws and prints live prices', async () => {
    const python = await pythonWithWebsockets();
    if (!python) {
      console.warn(
        'skipping python/live_prices.py: no Python with websockets (apt install python3-websockets)',
      );
      return;
    }

    const output = await runExample(python, 'python/live_prices.py', { UPDATES: '2' });

    expect(output).toContain('Subscribed to BTC updates');
    expect(output.match(/^BTC [\d,]+\.\d\d \(simulator\)$/gm)).toHaveLength(2);
  });

  it('are quoted in the docs as they are', () => {
    const docs = readdirSync(join(ROOT, 'docs'))
      .filter((file) => file.endsWith('.md'))
      .map((file) => readFileSync(join(ROOT, 'docs', file), 'utf8'))
      .join('\n');
    for (const file of [
      'javascript/market-data.mjs',
      'javascript/live-prices.mjs',
      'python/market_data.py',
      'python/live_prices.py',
    ]) {
      expect({ file, quoted: docs.includes(readFileSync(example(file), 'utf8').trim()) }).toEqual({
        file,
        quoted: true,
      });
    }
  });
});
