// CSV exports of /ohlc and /history (issue 17): the same rows as the JSON answer, streamed
// whatever the range (more rows than one page of the database read), chosen by `format` or
// Accept, never stored in or served from the JSON response cache, and errors before the
// first byte answered as problem documents.
import { parse } from 'csv-parse/sync';
import { EXPORT_PAGE_SIZE } from '../src/price-history/export-pages';
import type { HistoryDto, OhlcDto } from './support/api-types';
import {
  type Answer,
  clientsFor,
  expectProblem,
  parseQuery,
  PROBLEM_JSON,
  type Query,
} from './support/clients';
import { minuteCandles, type MarketSeeder } from './support/market-fixtures';
import { DAY0, HOUR, MINUTE, startMarketApi } from './support/market-api';
import type { TestApp } from './support/test-app';

type Row = Record<string, string>;

/** TINY's 1-minute candles: two runs of 6,000 with 30 empty minutes between them. */
const RUN = 6_000;
const GAP = 30;
const CANDLES_END = DAY0 + (2 * RUN + GAP) * MINUTE;
/** TINY's snapshots: one a minute from each of three sources. */
const SNAPSHOT_MINUTES = 4_000;
const SNAPSHOT_SOURCES = ['binance', 'coingecko', 'csv'];

describe('CSV exports (e2e)', () => {
  let sut: TestApp;
  let seed: MarketSeeder;
  let ids: Map<string, number>;
  const { market, service } = clientsFor(() => sut.baseUrl);

  /** An answer whose body is kept as text, and parsed as CSV with a header line. */
  const csvOf = (answer: Answer<unknown>) => ({
    ...answer,
    rows: answer.response.ok ? parse<Row>(answer.text, { columns: true }) : [],
  });
  const accept = (type: string) => ({ headers: { accept: type } });
  const ohlcCsv = async (symbol: string, query: Query, headers?: Record<string, string>) =>
    csvOf(await market.ohlc(symbol, query, { headers }));
  const historyCsv = async (symbol: string, query: Query, headers?: Record<string, string>) =>
    csvOf(await market.history(symbol, query, { headers }));

  beforeAll(async () => {
    ({ sut, seed, ids } = await startMarketApi());
    const tiny = ids.get('TINY')!;
    await seed.candles([
      ...minuteCandles(tiny, new Date(DAY0), RUN, { base: 100, step: 1 }),
      ...minuteCandles(tiny, new Date(DAY0 + (RUN + GAP) * MINUTE), RUN, { base: 9000, step: -1 }),
    ]);
    // Decimals as providers send them: the file keeps them as stored, trailing zeros too.
    await seed.candles(
      ['0.10000000', '0.12345678', '0.30000000'].map((price, i) => ({
        assetId: ids.get('ETH')!,
        openTime: new Date(DAY0 + i * MINUTE),
        source: 'binance',
        open: price,
        high: price,
        low: price,
        close: price,
        volume: '1.50000000',
        tradeCount: 1,
      })),
    );
    await seed.snapshots(
      Array.from({ length: SNAPSHOT_MINUTES }, (_, i) =>
        SNAPSHOT_SOURCES.map((source, s) => ({
          assetId: tiny,
          timestamp: new Date(DAY0 + i * MINUTE),
          source,
          price: 0.0001 + i / 1e6 + s / 1e7,
          marketCap: i % 7 === 0 ? null : 1e5 + i,
          totalVolume: 50,
        })),
      ).flat(),
    );
    await seed.invalidate(['TINY', 'ETH']);
  });

  afterAll(async () => {
    await sut.close();
  });

  /** A CSV row of /ohlc as the JSON answer writes a candle. */
  const candleOf = (row: Row) => ({
    timestamp: Number(row.timestamp_ms),
    open: Number(row.open),
    high: Number(row.high),
    low: Number(row.low),
    close: Number(row.close),
    volume: Number(row.volume),
    trade_count: Number(row.trade_count),
    is_closed: row.is_closed === 'true',
    ...(row.source ? { source: row.source } : {}),
    ...(row.filled === 'true' ? { filled: true } : {}),
  });

  describe('GET /api/v1/cryptocurrencies/:symbol/ohlc', () => {
    const range = {
      start: new Date(DAY0).toISOString(),
      end: new Date(CANDLES_END - 1).toISOString(),
    };

    it('answers a file with the JSON answer’s candles, row for row, and its headers', async () => {
      const query = { timeframe: '1h', ...range };
      const { body } = await market.ohlc('TINY', { ...query, limit: 1000 });
      const { status, headers, text, rows } = await ohlcCsv('TINY', { ...query, format: 'csv' });

      expect(status).toBe(200);
      expect(headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(headers.get('content-disposition')).toBe('attachment; filename="TINY-ohlc-1h.csv"');
      expect(headers.get('vary')).toMatch(/\bAccept\b/);
      expect(text.split('\r\n')[0]).toBe(
        'timestamp,timestamp_ms,open,high,low,close,volume,trade_count,is_closed,filled,source',
      );
      expect(body.ohlc.length).toBe(201);
      expect(rows.map(candleOf)).toEqual(body.ohlc);
      expect(rows.every((row) => row.source === 'binance' && row.filled === 'false')).toBe(true);
      expect(
        rows.every((row) => new Date(row.timestamp).getTime() === Number(row.timestamp_ms)),
      ).toBe(true);
      expect(rows[0].timestamp).toBe(new Date(DAY0).toISOString());
    });

    it('exports a range of many pages completely and in order, as JSON has it page by page', async () => {
      const { status, rows } = await ohlcCsv('TINY', { timeframe: '1m', ...range, format: 'csv' });
      const json: OhlcDto['ohlc'] = [];
      for (let start = DAY0; start < CANDLES_END; start += 1_000 * MINUTE) {
        const { body } = await market.ohlc('TINY', {
          timeframe: '1m',
          start,
          end: CANDLES_END - 1,
          limit: 1000,
        });
        json.push(...body.ohlc);
      }

      expect(status).toBe(200);
      expect(rows.length).toBeGreaterThan(2 * EXPORT_PAGE_SIZE);
      expect(rows).toHaveLength(2 * RUN);
      const times = rows.map((row) => Number(row.timestamp_ms));
      expect(times.every((time, i) => i === 0 || time > times[i - 1])).toBe(true);
      expect(times[RUN] - times[RUN - 1]).toBe((GAP + 1) * MINUTE);
      expect(rows.map(candleOf)).toEqual(json);
    });

    it('writes the filled buckets of fill=previous, flagged, like JSON', async () => {
      const query = {
        timeframe: '1m',
        start: DAY0 + (RUN - 5) * MINUTE,
        end: DAY0 + (RUN + GAP + 5) * MINUTE - 1,
        fill: 'previous',
      };
      const { body } = await market.ohlc('TINY', query);
      const { rows } = await ohlcCsv('TINY', { ...query, format: 'csv' });

      expect(rows).toHaveLength(5 + GAP + 5);
      expect(rows.filter((row) => row.filled === 'true')).toHaveLength(GAP);
      expect(rows[5]).toMatchObject({ open: '6100', close: '6100', volume: '0', filled: 'true' });
      expect(rows.map(candleOf)).toEqual(body.ohlc);
    });

    it('keeps numbers as stored, without float noise', async () => {
      const { rows } = await ohlcCsv('ETH', {
        timeframe: '1m',
        start: DAY0,
        end: DAY0 + 3 * MINUTE - 1,
        format: 'csv',
      });

      expect(rows.map((row) => [row.open, row.volume])).toEqual([
        ['0.10000000', '1.50000000'],
        ['0.12345678', '1.50000000'],
        ['0.30000000', '1.50000000'],
      ]);
    });

    it('answers the newest `limit` buckets up to `end` without `start`, like JSON', async () => {
      const query = { timeframe: '15m', end: CANDLES_END - 1, limit: 7 };
      const { body } = await market.ohlc('TINY', query);
      const { rows } = await ohlcCsv('TINY', { ...query, format: 'csv' });

      expect(rows).toHaveLength(7);
      expect(rows.map(candleOf)).toEqual(body.ohlc);
    });

    it('answers CSV to Accept: text/csv, and JSON when Accept prefers it', async () => {
      const query = { timeframe: '4h', ...range };
      const csv = await ohlcCsv('TINY', query, { accept: 'text/csv' });
      const json = await market.ohlc('TINY', query, accept('text/csv;q=0.5, application/json'));
      const explicit = await market.ohlc('TINY', { ...query, format: 'json' }, accept('text/csv'));

      expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(csv.rows.map(candleOf)).toEqual(json.body.ohlc);
      expect(json.headers.get('content-type')).toMatch(/^application\/json/);
      expect(explicit.body.ohlc).toEqual(json.body.ohlc);
    });

    it('never stores a file in the JSON cache, nor serves a cached JSON answer for a file', async () => {
      const query = { timeframe: '30m', ...range, limit: 1000 };
      const first = await market.ohlc('TINY', query);
      const csvByAccept = await ohlcCsv('TINY', query, { accept: 'text/csv' });
      const csvByFormat = await ohlcCsv('TINY', { ...query, format: 'csv' });
      const csvAgain = await ohlcCsv('TINY', { ...query, format: 'csv' });
      const again = await market.ohlc('TINY', query);

      expect(first.headers.get('x-cache')).toBe('MISS');
      for (const csv of [csvByAccept, csvByFormat, csvAgain]) {
        expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
        expect(csv.headers.get('x-cache')).toBeNull();
        expect(csv.headers.get('etag')).toBeNull();
        expect(csv.rows.map(candleOf)).toEqual(first.body.ohlc);
      }
      expect(again.headers.get('x-cache')).toBe('HIT');
      expect(again.headers.get('vary')).toMatch(/\bAccept\b/);
      expect(again.body).toEqual(first.body);
    });

    it.each([
      ['format=xml', 'format'],
      ['format=CSV', 'format'],
      ['format=csv&timeframe=2h', 'timeframe'],
      ['format=csv&start=2026-11-21T00:00:00Z&end=2026-11-20T00:00:00Z', 'start'],
    ])('rejects %s with a problem document', async (query, field) => {
      expectProblem(await market.ohlc('TINY', parseQuery(query)), 400, field);
    });

    it('answers an unknown symbol with a 404 problem document, asked by format or Accept', async () => {
      expectProblem(await market.ohlc('NOPE', { format: 'csv' }), 404);
      const response = await market.ohlc('NOPE', {}, accept('text/csv'));
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(PROBLEM_JSON);
    });

    it('answers a header line alone for an asset without candles', async () => {
      const { status, text } = await ohlcCsv('DOGE', { ...range, format: 'csv' });

      expect(status).toBe(200);
      expect(text).toBe(
        'timestamp,timestamp_ms,open,high,low,close,volume,trade_count,is_closed,filled,source\r\n',
      );
    });
  });

  it('documents `format` and both media types of the 200 in the OpenAPI document', async () => {
    const body = (await service.openApi()).body as unknown as {
      paths: Record<
        string,
        {
          get: {
            parameters: { name: string; in: string; schema?: { enum?: string[] } }[];
            responses: Record<string, { content?: Record<string, unknown> }>;
          };
        }
      >;
    };

    for (const route of ['ohlc', 'history']) {
      const operation = body.paths[`/api/v1/cryptocurrencies/{symbol}/${route}`].get;
      expect(operation.parameters.find((p) => p.name === 'format')).toMatchObject({
        in: 'query',
        schema: { enum: ['json', 'csv'] },
      });
      expect(operation.parameters.filter((p) => p.in === 'header').map((p) => p.name)).toEqual([
        'If-None-Match',
      ]);
      expect(Object.keys(operation.responses['200'].content ?? {})).toEqual([
        'application/json',
        'text/csv',
      ]);
    }
  });

  describe('GET /api/v1/cryptocurrencies/:symbol/history', () => {
    /** A CSV row of /history as the JSON answer writes a snapshot. */
    const snapshotOf = (row: Row) => ({
      price: Number(row.price),
      market_cap: row.market_cap === '' ? null : Number(row.market_cap),
      total_volume: row.total_volume === '' ? null : Number(row.total_volume),
      timestamp: row.timestamp,
      source: row.source,
      is_anomaly: row.is_anomaly === 'true',
    });

    it('answers a file with the JSON answer’s snapshots, row for row, and its headers', async () => {
      const query = { start_date: DAY0, end_date: DAY0 + 5 * HOUR };
      const { body } = await market.history('TINY', { ...query, limit: 1000 });
      const { status, headers, text, rows } = await historyCsv('TINY', { ...query, format: 'csv' });

      expect(status).toBe(200);
      expect(headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(headers.get('content-disposition')).toBe('attachment; filename="TINY-history.csv"');
      expect(text.split('\r\n')[0]).toBe(
        'timestamp,timestamp_ms,price,market_cap,total_volume,source,is_anomaly',
      );
      expect(body.items).toHaveLength(301 * 3);
      expect(rows.map(snapshotOf)).toEqual(body.items);
      expect(
        rows.every((row) => new Date(row.timestamp).getTime() === Number(row.timestamp_ms)),
      ).toBe(true);
      expect(rows.some((row) => row.market_cap === '')).toBe(true);
    });

    it.each(['asc', 'desc'])(
      'exports a range of many pages completely, in %s order, as JSON has it range by range',
      async (order) => {
        const { rows } = await historyCsv('TINY', { start_date: DAY0, order, format: 'csv' });
        const json: HistoryDto['items'] = [];
        for (let minute = 0; minute < SNAPSHOT_MINUTES; minute += 300) {
          const { body } = await market.history('TINY', {
            start_date: DAY0 + minute * MINUTE,
            end_date: DAY0 + (minute + 299) * MINUTE,
            order,
            limit: 1000,
          });
          if (order === 'asc') json.push(...body.items);
          else json.unshift(...body.items);
        }

        expect(rows.length).toBeGreaterThan(2 * EXPORT_PAGE_SIZE);
        expect(rows).toHaveLength(SNAPSHOT_MINUTES * SNAPSHOT_SOURCES.length);
        const keys = rows.map((row) => `${row.timestamp_ms.padStart(15, '0')} ${row.source}`);
        expect(new Set(keys).size).toBe(keys.length);
        expect(rows.map(snapshotOf)).toEqual(json);
      },
    );

    it('answers CSV to Accept: text/csv with the JSON answer’s default page', async () => {
      const { body } = await market.history('TINY', { source: 'csv' });
      const { headers, rows } = await historyCsv('TINY', { source: 'csv' }, { accept: 'text/csv' });

      expect(headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(rows).toHaveLength(100);
      expect(rows.map(snapshotOf)).toEqual(body.items);
    });

    it('rejects a bad format, and answers an unknown symbol with 404, as problem documents', async () => {
      expectProblem(await market.history('TINY', { format: 'pdf' }), 400, 'format');
      expectProblem(
        await market.history('TINY', { format: 'csv', start_date: 'yesterday' }),
        400,
        'start_date',
      );
      expectProblem(await market.history('NOPE', { format: 'csv' }), 404);
    });
  });
});
