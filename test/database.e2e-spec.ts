import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations';
import { AdvisoryLockService } from '../src/database/advisory-lock.service';
import { CandlesRepository } from '../src/price-history/candles.repository';
import { MarketSeeder, anAsset, minuteCandles } from './support/market-fixtures';
import { pgNumbers, pgTexts } from '../src/database/pg-arrays';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, serverDatabaseUrl } from './support/test-database';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('Database (e2e)', () => {
  let sut: TestApp;
  let dataSource: DataSource;

  beforeAll(async () => {
    sut = await startTestApp();
    dataSource = sut.app.get(DataSource);
  });

  afterAll(async () => {
    await sut.close();
  });

  it('runs the migrations at startup', async () => {
    const applied = await dataSource.query<{ name: string }[]>(
      'SELECT name FROM migrations ORDER BY id',
    );
    const columns = await dataSource.query<{ column_name: string }[]>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'api_keys' ORDER BY ordinal_position`,
    );

    expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
    expect(columns.map((c) => c.column_name)).toEqual([
      'id',
      'name',
      'role',
      'key_prefix',
      'key_hash',
      'created_at',
      'last_used_at',
      'revoked',
      'expires_at',
      'revoked_at',
    ]);
  });

  it('has entities that match the migrated schema exactly (nothing for migration:generate)', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();

    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('compresses raw payloads with lz4 where the server has it, pglz otherwise', async () => {
    const [{ supported }] = await dataSource.query<{ supported: boolean }[]>(
      `SELECT 'lz4' = ANY (enumvals) AS supported FROM pg_settings WHERE name = 'default_toast_compression'`,
    );
    const [{ compression }] = await dataSource.query<{ compression: string }[]>(
      `SELECT attcompression AS compression FROM pg_attribute
       WHERE attrelid = 'raw_payloads'::regclass AND attname = 'payload'`,
    );

    // 'l' is lz4; '' is the server default (pglz unless configured otherwise).
    expect(compression).toBe(supported ? 'l' : '');
  });

  it('round-trips bulk array literals exactly, whatever the text contains', async () => {
    const texts = ['a,b', 'say "hi"', 'back\\slash', '}{', 'NULL', ' padded ', null];
    const numbers = [1.5, -0.00000001, 12345678.12345678, null];

    const [row] = await dataSource.query<
      { texts: (string | null)[]; numbers: (string | null)[] }[]
    >('SELECT $1::text[] AS texts, $2::numeric[] AS numbers', [pgTexts(texts), pgNumbers(numbers)]);

    expect(row.texts).toEqual(texts);
    expect(row.numbers.map((n) => (n === null ? null : Number(n)))).toEqual(numbers);
  });

  it('enforces the schema with real PostgreSQL constraints', async () => {
    await expect(
      dataSource.query(
        `INSERT INTO api_keys (name, role, key_prefix, key_hash) VALUES ('x', 'root', 'p', $1)`,
        ['a'.repeat(64)],
      ),
    ).rejects.toThrow(/check constraint/);
  });

  describe('candles without per-row foreign keys', () => {
    const start = new Date('2026-11-20T10:00:00Z');
    const countCandles = async (assetId: number) => {
      const [row] = await dataSource.query<{ candles: number; rollups: number }[]>(
        `SELECT (SELECT count(*)::int FROM candles WHERE asset_id = $1) AS candles,
                (SELECT count(*)::int FROM candle_rollups WHERE asset_id = $1) AS rollups`,
        [assetId],
      );
      return row;
    };

    it('refuses a batch naming an unknown asset and writes none of it', async () => {
      const ids = await new MarketSeeder(sut.app).assets([anAsset({ symbol: 'FKOK' })]);
      const known = ids.get('FKOK')!;
      const batch = [...minuteCandles(known, start, 3), ...minuteCandles(987_654, start, 2)];

      await expect(sut.app.get(CandlesRepository).upsert(batch)).rejects.toThrow(
        'candles refer to unknown asset ids: 987654',
      );
      expect(await countCandles(known)).toEqual({ candles: 0, rollups: 0 });
    });

    it("deletes an asset's candles and roll-ups with the asset, as the cascade did", async () => {
      const ids = await new MarketSeeder(sut.app).assets([anAsset({ symbol: 'FKDEL' })]);
      const assetId = ids.get('FKDEL')!;
      await new MarketSeeder(sut.app).candles(minuteCandles(assetId, start, 90));
      expect(await countCandles(assetId)).toEqual({ candles: 90, rollups: 3 });

      await dataSource.query('DELETE FROM assets WHERE id = $1', [assetId]);

      expect(await countCandles(assetId)).toEqual({ candles: 0, rollups: 0 });
    });
  });

  it('answers PostgreSQL 14+ SQL (date_bin) on either backend', async () => {
    const rows = await dataSource.query<{ bucket: Date }[]>(
      `SELECT date_bin('5 minutes', timestamptz '2026-11-22 10:07:30+00', timestamptz '2000-01-01') AS bucket`,
    );

    expect(rows[0].bucket.toISOString()).toBe('2026-11-22T10:05:00.000Z');
  });

  describe(AdvisoryLockService.name, () => {
    it('lets only one holder run a job at a time, then frees the lock', async () => {
      const locks = sut.app.get(AdvisoryLockService);
      const gate = deferred();

      const first = locks.withLock('job:a', async () => {
        await gate.promise;
        return 'first';
      });
      const second = await locks.withLock('job:a', async () => 'second');
      const other = await locks.withLock('job:b', async () => 'other');
      gate.resolve();

      expect(second).toEqual({ acquired: false });
      expect(other).toEqual({ acquired: true, result: 'other' });
      await expect(first).resolves.toEqual({ acquired: true, result: 'first' });
      await expect(locks.withLock('job:a', async () => 'again')).resolves.toEqual({
        acquired: true,
        result: 'again',
      });
    });

    it('frees the lock when the job fails', async () => {
      const locks = sut.app.get(AdvisoryLockService);

      await expect(
        locks.withLock('job:c', async () => {
          throw new Error('job failed');
        }),
      ).rejects.toThrow('job failed');
      await expect(locks.withLock('job:c', async () => 1)).resolves.toEqual({
        acquired: true,
        result: 1,
      });
    });

    const itServer = serverDatabaseUrl ? it : it.skip;

    itServer('excludes a second instance on the same database (server mode)', async () => {
      const database = await createTestDatabase();
      const a = await startTestApp({ database });
      const b = await startTestApp({ database });
      try {
        const gate = deferred();
        const onA = a.app.get(AdvisoryLockService).withLock('job:shared', () => gate.promise);
        await new Promise((r) => setTimeout(r, 100));

        await expect(
          b.app.get(AdvisoryLockService).withLock('job:shared', async () => 'b'),
        ).resolves.toEqual({
          acquired: false,
        });
        gate.resolve();
        await onA;
        await expect(
          b.app.get(AdvisoryLockService).withLock('job:shared', async () => 'b'),
        ).resolves.toEqual({
          acquired: true,
          result: 'b',
        });
      } finally {
        await a.close();
        await b.close();
        await database.drop();
      }
    });

    itServer('migrates once when two instances start together (server mode)', async () => {
      const database = await createTestDatabase();
      try {
        const [a, b] = await Promise.all([startTestApp({ database }), startTestApp({ database })]);
        const rows = await a.app
          .get(DataSource)
          .query<{ count: string }[]>('SELECT count(*) FROM migrations');
        await Promise.all([a.close(), b.close()]);

        expect(Number(rows[0].count)).toBe(MIGRATIONS.length);
      } finally {
        await database.drop();
      }
    });

    itServer('bounds every statement with statement_timeout (server mode)', async () => {
      const rows =
        await dataSource.query<{ statement_timeout: string }[]>('SHOW statement_timeout');

      expect(rows[0].statement_timeout).toBe('10s');
    });
  });
});
