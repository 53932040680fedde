// The monthly partitions of the time-partitioned tables (migration 1797000000000): made sure
// to exist before rows go in, created ahead by a daily job, dropped whole by retention.
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** The partitioned tables and their partition column. */
export const PARTITIONED = { candles: 'open_time', price_snapshots: '"timestamp"' } as const;
export type PartitionedTable = keyof typeof PARTITIONED;

/** How many months after the current one the daily job creates. */
const MONTHS_AHEAD = 2;

/** Partitions estimated under this many rows are counted exactly before they are dropped. */
export const EXACT_COUNT_UP_TO = 100_000;

@Injectable()
export class TimePartitions {
  /**
   * Months (start in ms, per table) known to have a partition. Only the current month and
   * later ones are remembered: retention never drops those (its cutoff is at least a day in
   * the past), so they cannot vanish under another instance. Older months are checked on
   * every write, which costs one catalog lookup.
   */
  private readonly known = new Map<PartitionedTable, Set<number>>();

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Creates the partitions of the months `times` fall in that do not exist yet. In the
   * caller's transaction when given (so embedded mode's single connection is never waited
   * for); a partition created there locks its table until that transaction ends, which the
   * partitions created ahead make rare (old imports, clock jumps).
   */
  async ensure(
    table: PartitionedTable,
    times: Iterable<Date>,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    const known = this.knownOf(table);
    let first = Infinity;
    let last = -Infinity;
    for (const time of times) {
      const month = monthStart(time.getTime());
      if (known.has(month)) continue;
      if (month < first) first = month;
      if (month > last) last = month;
    }
    if (first === Infinity) return;
    const [{ created }] = await manager.query<{ created: number }[]>(
      'SELECT create_month_partitions($1, $2, $3) AS created',
      [table, new Date(first), new Date(last)],
    );
    // A partition created in a transaction that may still roll back is not remembered yet.
    if (created === 0) this.remember(table, first, last);
  }

  /** Creates this month's partitions and the next ones' (the daily job, and startup). */
  async createAhead(now = new Date()): Promise<number> {
    const from = new Date(monthStart(now.getTime()));
    const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + MONTHS_AHEAD));
    let created = 0;
    for (const table of Object.keys(PARTITIONED) as PartitionedTable[]) {
      const [row] = await this.dataSource.query<{ created: number }[]>(
        'SELECT create_month_partitions($1, $2, $3) AS created',
        [table, from, to],
      );
      created += row.created;
    }
    return created;
  }

  /**
   * Removes the rows older than `before`: partitions wholly before it are detached and
   * dropped, the one that straddles it loses those rows by DELETE. Returns the rows removed:
   * exact for the boundary month and for partitions under EXACT_COUNT_UP_TO rows; a larger
   * partition's count is the planner's estimate (pg_class.reltuples, kept by autovacuum),
   * since counting millions of rows exactly would take longer than dropping them.
   *
   * Each partition goes in a transaction of its own. A small one is counted under a SHARE
   * lock on the partition alone (no writes to it, reads go on); the table's exclusive lock,
   * which DETACH takes, is held only for the DETACH and DROP. The boundary DELETE takes row
   * locks only.
   */
  async dropBefore(
    table: PartitionedTable,
    before: Date,
    exactCountUpTo = EXACT_COUNT_UP_TO,
  ): Promise<number> {
    const old = (await this.list(table)).filter(
      (name) => nextMonth(partitionMonth(name)) <= before.getTime(),
    );
    let removed = 0;
    for (const name of old) {
      removed += await this.dataSource.transaction(async (manager) => {
        const [{ estimate }] = await manager.query<{ estimate: number }[]>(
          `SELECT reltuples AS estimate FROM pg_class WHERE oid = $1::regclass`,
          [name],
        );
        // -1: never analysed, so unknown; counted.
        let rows = Math.round(Number(estimate));
        if (rows < exactCountUpTo) {
          await manager.query(`LOCK TABLE "${name}" IN SHARE MODE`);
          const [{ n }] = await manager.query<{ n: string }[]>(
            `SELECT count(*) AS n FROM "${name}"`,
          );
          rows = Number(n);
        }
        await manager.query(`ALTER TABLE ${table} DETACH PARTITION "${name}"`);
        await manager.query(`DROP TABLE "${name}"`);
        return rows;
      });
      this.knownOf(table).delete(partitionMonth(name));
    }
    const [{ n }] = await this.dataSource.query<{ n: string }[]>(
      `WITH d AS (DELETE FROM ${table} WHERE ${PARTITIONED[table]} < $1 RETURNING 1)
       SELECT count(*) AS n FROM d`,
      [before],
    );
    return removed + Number(n);
  }

  /** The partitions of a table, oldest first. */
  async list(
    table: PartitionedTable,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<string[]> {
    const rows = await manager.query<{ name: string }[]>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = $1::regclass ORDER BY c.relname`,
      [table],
    );
    return rows.map((row) => row.name);
  }

  private knownOf(table: PartitionedTable): Set<number> {
    let set = this.known.get(table);
    if (!set) this.known.set(table, (set = new Set()));
    return set;
  }

  private remember(table: PartitionedTable, first: number, last: number): void {
    const current = monthStart(Date.now());
    const set = this.knownOf(table);
    for (let month = first; month <= last; month = nextMonth(month)) {
      if (month >= current) set.add(month);
    }
  }
}

function monthStart(ms: number): number {
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth());
}

function nextMonth(ms: number): number {
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1);
}

/** The month a partition named `<table>_YYYY_MM` holds. */
function partitionMonth(name: string): number {
  const [, year, month] = /(\d{4})_(\d{2})$/.exec(name)!;
  return Date.UTC(Number(year), Number(month) - 1);
}
