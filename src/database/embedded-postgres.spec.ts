import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { blankClusterImage, EmbeddedPostgres } from './embedded-postgres';

/** An in-memory cluster starts from a blank-cluster image in the temporary directory. */
describe('EmbeddedPostgres in memory', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cma-pglite-image-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const query = async (db: EmbeddedPostgres, sql: string): Promise<object[]> => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      return (await client.query<object>(sql)).rows;
    } finally {
      await client.end();
    }
  };

  it('replaces a damaged image, and each cluster started from it is blank and separate', async () => {
    const image = blankClusterImage(dir);
    writeFileSync(image, 'not a tar');

    const first = await EmbeddedPostgres.start('memory://', { imageDir: dir });
    try {
      await query(first, 'CREATE TABLE written_here (id int)');
    } finally {
      await first.stop();
    }
    expect(statSync(image).size).toBeGreaterThan(1_000_000);

    const second = await EmbeddedPostgres.start('memory://', { imageDir: dir });
    try {
      expect(await query(second, `SELECT to_regclass('written_here') AS t`)).toEqual([{ t: null }]);
      expect(await query(second, 'SELECT 1 + 1 AS two')).toEqual([{ two: 2 }]);
    } finally {
      await second.stop();
    }
  }, 60_000);
});
