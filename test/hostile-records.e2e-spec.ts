// One odd record must not fail a provider run: a page from CoinGecko's /coins/markets with a
// good coin among hostile ones (a date PostgreSQL cannot hold, NUL and broken Unicode in a
// name, deep nesting, numbers that contradict their meaning, a time from the future, a
// javascript: image). The good coins are stored, each bad one is rejected alone with its
// reason, the payload is kept, and no database error text reaches a client.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { IngestionService } from '../src/ingestion/ingestion.service';
import { clientsFor } from './support/clients';
import { FakeProviderServer } from './support/fake-provider-server';
import { startTestApp, type TestApp } from './support/test-app';

const [BTC] = JSON.parse(
  readFileSync(join(__dirname, 'fixtures', 'providers', 'coingecko-markets.json'), 'utf8'),
) as Record<string, unknown>[];

/** A coin like BTC under another id and symbol, with some fields changed. */
const coin = (id: string, changes: Record<string, unknown> = {}) => ({
  ...BTC,
  id,
  symbol: id.slice(0, 6),
  name: id,
  market_cap_rank: null,
  ...changes,
});

const HOSTILE: Record<string, Record<string, unknown>> = {
  oldath: { ath_date: '-271821-04-20T00:00:00Z' },
  negcap: { market_cap: -5_000_000 },
  negvol: { total_volume: -7 },
  negrank: { market_cap_rank: -3 },
  negsupply: { circulating_supply: -1 },
  hugedrop: {
    price_change_percentage_24h: -1e300,
    price_change_percentage_24h_in_currency: -1e300,
  },
  hugefdv: { fully_diluted_valuation: 1.7e308 },
  zeroprice: { current_price: 0 },
  future: { last_updated: '9999-12-31T00:00:00.000Z' },
};

/** The page as raw JSON text, with what JSON.stringify cannot write: \u0000, a lone \ud800. */
function hostilePage(): string {
  const coins = [
    BTC,
    coin('jsimage', { image: 'javascript:alert(3)' }),
    ...Object.entries(HOSTILE).map(([id, changes]) => coin(id, changes)),
    coin('nulname', { name: 'NUL_NAME' }),
    coin('surname', { name: 'SURROGATE_NAME' }),
    coin('deepcoin', { unused: 'DEEP' }),
  ];
  return JSON.stringify(coins)
    .replace('"NUL_NAME"', '"Bad\\u0000Coin"')
    .replace('"SURROGATE_NAME"', '"Half \\ud800 a pair"')
    .replace('"DEEP"', `${'['.repeat(20_000)}${']'.repeat(20_000)}`);
}

const ADMIN_API_KEY = 'test-admin-key-0123456789abcdef';
const SECRET = 'relation secret_internal_table violates something';

describe('Hostile provider records (e2e)', () => {
  const provider = new FakeProviderServer();
  let sut: TestApp;
  const { market, ingestion } = clientsFor(() => sut.baseUrl);

  beforeAll(async () => {
    const baseUrl = await provider.start();
    sut = await startTestApp({
      env: {
        INGESTION_PROVIDERS: 'coingecko',
        COINGECKO_BASE_URL: `${baseUrl}/api/v3`,
        PROVIDER_TIMEOUT_MS: '5000',
        ADMIN_API_KEY,
      },
    });
  });

  afterAll(async () => {
    await sut?.close();
    await provider.stop();
  });

  it('stores the good coins, rejects each bad one alone with its reason, and keeps the payload', async () => {
    const raw = hostilePage();
    provider.script({ status: 200, raw });

    const run = await sut.app.get(IngestionService).run('coingecko', 'manual', 250);

    expect(run).toMatchObject({ status: 'partial', createdCount: 3, skippedCount: 11 });
    const reasons = Object.fromEntries(
      (run.details.rejected as { at: string; reason: string }[]).map((r) => [
        r.reason.split(':')[0],
        r.reason,
      ]),
    );
    expect(reasons).toMatchObject({
      oldath: expect.stringContaining('ath_date -271821-04-20T00:00:00.000Z is before 2009'),
      negcap: expect.stringContaining('market_cap -5000000 is below 0'),
      negvol: expect.stringContaining('total_volume -7 is below 0'),
      negrank: expect.stringContaining('rank -3 is not a whole number ≥ 1'),
      negsupply: expect.stringContaining('circulating_supply -1 is below 0'),
      hugedrop: expect.stringContaining('change_24h -1e+300 is below -100'),
      hugefdv: expect.stringContaining('fully_diluted_valuation 1.7e+308 is above 1e+24'),
      zeroprice: expect.stringContaining('price 0 is not positive'),
      future: expect.stringContaining('last_updated 9999-12-31T00:00:00.000Z is in the future'),
      nulname: expect.stringContaining('name contains a control character'),
      surname: expect.stringContaining('name contains a control character or broken Unicode'),
    });

    const listed = (await market.list({ limit: 50 })).body;
    expect(listed.items.map((a) => a.symbol).sort()).toEqual(['BTC', 'DEEPCO', 'JSIMAG']);
    // Only http(s) images are kept.
    expect(listed.items.find((a) => a.symbol === 'JSIMAG')?.image).toBeNull();
    // The future record pinned nothing.
    expect((await market.price('FUTURE')).status).toBe(404);

    // The payload is kept as received, as text, since jsonb refuses it.
    const [stored] = await sut.app
      .get(DataSource)
      .query<{ payload: unknown; payload_text: string }[]>(
        `SELECT payload, payload_text FROM raw_payloads WHERE run_id = $1`,
        [run.id],
      );
    expect(stored).toEqual({ payload: null, payload_text: raw });
  });

  it('keeps a well-formed payload as jsonb', async () => {
    provider.script({ status: 200, body: [BTC] });

    const run = await sut.app.get(IngestionService).run('coingecko', 'manual', 250);

    const [stored] = await sut.app
      .get(DataSource)
      .query<{ kind: string }[]>(
        `SELECT jsonb_typeof(payload) AS kind FROM raw_payloads WHERE run_id = $1 AND payload_text IS NULL`,
        [run.id],
      );
    expect(stored).toEqual({ kind: 'array' });
    expect(run.status).toBe('success');
  });

  it('answers a failure inside the service with a kind and a request id, never the SQL error', async () => {
    const db = sut.app.get(DataSource);
    await db.query(`
      CREATE FUNCTION refuse_snapshots() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION '${SECRET}'; END $$`);
    await db.query(`
      CREATE TRIGGER refuse_snapshots BEFORE INSERT ON price_snapshots
      FOR EACH ROW EXECUTE FUNCTION refuse_snapshots()`);
    provider.script({ status: 200, body: [{ ...BTC, current_price: 97_001 }] });
    try {
      const response = await ingestion.sync(
        { provider: 'coingecko', wait: true },
        { headers: { 'X-API-Key': ADMIN_API_KEY } },
      );
      const text = response.text;

      expect(response.status).toBe(500);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(text)).toMatchObject({
        code: 'internal_error',
        requestId: expect.any(String),
        run_id: expect.any(String),
      });
      expect(text).not.toContain('secret_internal_table');
      const runs = (await ingestion.runs({ limit: 100 })).text;
      expect(runs).toContain('"error_kind":"internal"');
      expect(runs).not.toContain('secret_internal_table');
    } finally {
      await db.query(`DROP TRIGGER refuse_snapshots ON price_snapshots`);
      await db.query(`DROP FUNCTION refuse_snapshots()`);
    }
  });
});
