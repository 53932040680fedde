import { DataSource } from 'typeorm';
import { TimePartitions } from '../src/database/time-partitions';
import { IngestionRepository } from '../src/ingestion/ingestion.repository';
import { CandlesRepository } from '../src/price-history/candles.repository';
import { MarketSeeder, anAsset, minuteCandles } from './support/market-fixtures';
import { startTestApp, type TestApp } from './support/test-app';

const MONTH_END = new Date('2026-06-30T23:55:00Z');
const OLD = new Date('2019-03-15T12:00:00Z');

function monthName(table: string, time: Date): string {
  return `${table}_${time.getUTCFullYear()}_${String(time.getUTCMonth() + 1).padStart(2, '0')}`;
}

describe('Monthly partitions of candles and snapshots (e2e)', () => {
  let sut: TestApp;
  let dataSource: DataSource;
  let partitions: TimePartitions;
  let seed: MarketSeeder;

  const count = async (sql: string, params: unknown[] = []) =>
    Number((await dataSource.query<{ n: string }[]>(sql, params))[0].n);

  beforeAll(async () => {
    sut = await startTestApp();
    dataSource = sut.app.get(DataSource);
    partitions = sut.app.get(TimePartitions);
    seed = new MarketSeeder(sut.app);
  });

  afterAll(async () => {
    await sut.close();
  });

  it('partitions candles and snapshots by range on their time, with the primary keys kept', async () => {
    const rows = await dataSource.query<{ name: string; key: string; pk: string }[]>(
      `SELECT c.relname AS name, pg_get_partkeydef(c.oid) AS key,
              (SELECT pg_get_constraintdef(k.oid) FROM pg_constraint k
               WHERE k.conrelid = c.oid AND k.contype = 'p') AS pk
       FROM pg_class c WHERE c.relname IN ('candles', 'price_snapshots') AND c.relkind = 'p'
       ORDER BY c.relname`,
    );

    expect(rows).toEqual([
      {
        name: 'candles',
        key: 'RANGE (open_time)',
        pk: 'PRIMARY KEY (asset_id, open_time, source)',
      },
      {
        name: 'price_snapshots',
        key: 'RANGE ("timestamp")',
        pk: 'PRIMARY KEY (asset_id, "timestamp", source)',
      },
    ]);
  });

  it('writes candles of any month, creating the partitions missing (2019, a month boundary, the future)', async () => {
    const ids = await seed.assets([anAsset({ symbol: 'PMONTHS' })]);
    const assetId = ids.get('PMONTHS')!;
    const future = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 4, 10));

    const written = await sut.app
      .get(CandlesRepository)
      .upsert([
        ...minuteCandles(assetId, OLD, 3),
        ...minuteCandles(assetId, MONTH_END, 10),
        ...minuteCandles(assetId, future, 2),
      ]);
    await seed.snapshots([{ assetId, timestamp: OLD, source: 'csv', price: 1 }]);

    expect(written).toEqual({ created: 15, updated: 0 });
    const names = await partitions.list('candles');
    for (const time of [OLD, MONTH_END, new Date('2026-07-01Z'), future]) {
      expect(names).toContain(monthName('candles', time));
    }
    expect(await partitions.list('price_snapshots')).toContain(monthName('price_snapshots', OLD));
    await expect(
      sut.app.get(CandlesRepository).upsert(minuteCandles(assetId, OLD, 3, { base: 200 })),
    ).resolves.toEqual({ created: 0, updated: 3 });
  });

  it('reads across a month boundary as from one table', async () => {
    const ids = await seed.assets([anAsset({ symbol: 'PACROSS' })]);
    const assetId = ids.get('PACROSS')!;
    await seed.candles(minuteCandles(assetId, MONTH_END, 10));
    const candles = sut.app.get(CandlesRepository);
    const to = new Date(MONTH_END.getTime() + 10 * 60_000);

    const minutes = await candles.rollUp(assetId, null, '1m', MONTH_END, to);
    const fives = await candles.rollUp(assetId, null, '5m', MONTH_END, to);
    const range = await candles.findRange(assetId, { limit: 100, offset: 0, order: 'desc' });

    expect(minutes.map((c) => Number(c.open))).toEqual(
      Array.from({ length: 10 }, (_, i) => 100 + i),
    );
    expect(fives.map((c) => [c.open_time.toISOString(), Number(c.open), Number(c.close)])).toEqual([
      ['2026-06-30T23:55:00.000Z', 100, 105],
      ['2026-07-01T00:00:00.000Z', 105, 110],
    ]);
    expect(range.total).toBe(10);
    expect(await candles.closeBefore(assetId, null, '1m', new Date('2026-07-01T00:00:00Z'))).toBe(
      '105',
    );
  });

  it('lets writers race for the same new month', async () => {
    const ids = await seed.assets([anAsset({ symbol: 'PRACEA' }), anAsset({ symbol: 'PRACEB' })]);
    const start = new Date('2018-05-20T00:00:00Z');

    await expect(
      Promise.all(
        ['PRACEA', 'PRACEB'].map((symbol) =>
          sut.app.get(CandlesRepository).upsert(minuteCandles(ids.get(symbol)!, start, 5)),
        ),
      ),
    ).resolves.toEqual([
      { created: 5, updated: 0 },
      { created: 5, updated: 0 },
    ]);
  });

  it('retention drops the months before the cutoff and deletes only in the boundary month', async () => {
    const ids = await seed.assets([anAsset({ symbol: 'PRETAIN' })]);
    const assetId = ids.get('PRETAIN')!;
    const cutoff = new Date('2017-08-15T00:00:00Z');
    await seed.candles([
      ...minuteCandles(assetId, new Date('2017-06-10T00:00:00Z'), 4),
      ...minuteCandles(assetId, new Date('2017-07-31T23:58:00Z'), 4),
      ...minuteCandles(assetId, new Date('2017-08-14T23:58:00Z'), 4),
    ]);
    await seed.snapshots([
      { assetId, timestamp: new Date('2017-07-01T00:00:00Z'), source: 'csv', price: 1 },
      { assetId, timestamp: new Date('2017-08-15T00:00:00Z'), source: 'csv', price: 1 },
    ]);
    const before = await partitions.list('candles');

    const removed = await sut.app.get(IngestionRepository).deleteHistoryBefore(cutoff);

    expect(removed).toEqual({ snapshots: 1, candles: 4 + 4 + 2 });
    const after = await partitions.list('candles');
    expect(before.filter((name) => !after.includes(name))).toEqual([
      'candles_2017_06',
      'candles_2017_07',
    ]);
    expect(after).toContain('candles_2017_08');
    expect(after).toContain('candles_2019_03');
    expect(await count(`SELECT count(*) AS n FROM candles WHERE asset_id = $1`, [assetId])).toBe(2);
    expect(
      await count(
        `SELECT count(*) AS n FROM pg_inherits WHERE inhparent = 'price_snapshots'::regclass
           AND inhrelid = to_regclass('price_snapshots_2017_07')`,
      ),
    ).toBe(0);
    // A dropped month comes back when a write needs it.
    await seed.candles(minuteCandles(assetId, new Date('2017-06-10T00:00:00Z'), 1));
    expect(await partitions.list('candles')).toContain('candles_2017_06');
  });

  it('reports a large partition from its statistics instead of counting it, and still drops it', async () => {
    const ids = await seed.assets([anAsset({ symbol: 'PESTIM' })]);
    const assetId = ids.get('PESTIM')!;
    await seed.candles(minuteCandles(assetId, new Date('2016-03-10T00:00:00Z'), 30));
    await dataSource.query('ANALYZE candles_2016_03');
    // Rows the statistics do not know of yet: an estimate leaves them out, a count would not.
    await seed.candles(minuteCandles(assetId, new Date('2016-03-20T00:00:00Z'), 5));

    const removed = await partitions.dropBefore('candles', new Date('2016-04-01T00:00:00Z'), 10);

    expect(removed).toBe(30);
    expect(await partitions.list('candles')).not.toContain('candles_2016_03');
  });

  it('creates the current and next months ahead', async () => {
    await partitions.createAhead(new Date('2031-11-20T00:00:00Z'));

    const names = await partitions.list('price_snapshots');
    expect(names).toEqual(
      expect.arrayContaining([
        'price_snapshots_2031_11',
        'price_snapshots_2031_12',
        'price_snapshots_2032_01',
      ]),
    );
    expect(await partitions.createAhead(new Date('2031-11-20T00:00:00Z'))).toBe(0);
  });
});

describe('The partitioning migration (e2e)', () => {
  it('moves existing rows into partitions, and back on revert', async () => {
    const sut = await startTestApp();
    try {
      const dataSource = sut.app.get(DataSource);
      const ids = await new MarketSeeder(sut.app).assets([anAsset({ symbol: 'PMIGRATE' })]);
      const assetId = ids.get('PMIGRATE')!;
      await new MarketSeeder(sut.app).candles(
        minuteCandles(assetId, new Date('2024-02-29T23:59:00Z'), 2),
      );

      // Reverted down to (and including) the partitioning, whatever migrations came after it.
      const applied = async () =>
        (await dataSource.query<{ name: string }[]>(`SELECT name FROM migrations`)).map(
          (row) => row.name,
        );
      while ((await applied()).includes('PartitionByMonth1797000000000')) {
        await dataSource.undoLastMigration({ transaction: 'each' });
      }

      const kinds = () =>
        dataSource.query<{ relname: string; relkind: string }[]>(
          `SELECT relname, relkind FROM pg_class
           WHERE relname IN ('candles', 'price_snapshots') ORDER BY relname`,
        );
      expect(await kinds()).toEqual([
        { relname: 'candles', relkind: 'r' },
        { relname: 'price_snapshots', relkind: 'r' },
      ]);
      expect(
        await dataSource.query(`SELECT count(*)::int AS n FROM candles WHERE asset_id = $1`, [
          assetId,
        ]),
      ).toEqual([{ n: 2 }]);
      // Rows written before the migration, straight into the plain tables.
      await dataSource.query(
        `INSERT INTO candles (asset_id, open_time, source, open, high, low, close)
         SELECT $1, t, 'binance', 1, 2, 0.5, 1.5
         FROM generate_series(timestamptz '2019-01-31 23:00Z', '2019-02-01 00:59Z', '1 minute') AS t`,
        [assetId],
      );
      await dataSource.query(
        `INSERT INTO price_snapshots (asset_id, "timestamp", source, price)
         VALUES ($1, '2020-05-05Z', 'csv', 3), ($1, now(), 'csv', 4)`,
        [assetId],
      );

      await dataSource.runMigrations({ transaction: 'each' });

      expect(await kinds()).toEqual([
        { relname: 'candles', relkind: 'p' },
        { relname: 'price_snapshots', relkind: 'p' },
      ]);
      const rows = await dataSource.query<{ table: string; n: string }[]>(
        `SELECT c.relname AS table, count(*) AS n FROM candles x JOIN pg_class c ON c.oid = x.tableoid
         WHERE x.asset_id = $1 GROUP BY c.relname ORDER BY c.relname`,
        [assetId],
      );
      expect(rows).toEqual([
        { table: 'candles_2019_01', n: '60' },
        { table: 'candles_2019_02', n: '60' },
        { table: 'candles_2024_02', n: '1' },
        { table: 'candles_2024_03', n: '1' },
      ]);
      const partitions = await sut.app.get(TimePartitions).list('price_snapshots');
      expect(partitions).toContain('price_snapshots_2020_05');
      expect(partitions).toContain(monthName('price_snapshots', new Date()));
      const pending = await dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries).toEqual([]);
    } finally {
      await sut.close();
    }
  });
});
