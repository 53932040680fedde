import { Transform, Type } from 'class-transformer';
import { IsArray, IsDate, IsDefined, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { AppException } from '../errors/app.exception';
import { QueryMemo } from './query-memo';
import { createValidationPipe } from './validation.pipe';

class Sample {
  @IsDefined()
  @IsInt()
  @Min(1)
  @Max(10)
  count!: number;

  @IsOptional()
  @IsArray()
  list?: string[];
}

async function messagesFor(body: object): Promise<unknown> {
  const sut = createValidationPipe();
  try {
    await sut.transform(body, { type: 'body', metatype: Sample });
  } catch (error) {
    return (error as AppException).options.errors;
  }
  throw new Error('expected a validation failure');
}

describe('createValidationPipe', () => {
  it('reports only the failed type check of a value of the wrong type', async () => {
    expect(await messagesFor({ count: 'many' })).toEqual([
      { field: 'count', message: 'count must be an integer number' },
    ]);
  });

  it('reports every failed range check of a value of the right type', async () => {
    expect(await messagesFor({ count: 0 })).toEqual([
      { field: 'count', message: 'count must not be less than 1' },
    ]);
  });

  it('names the expected type of a list given as a scalar', async () => {
    expect(await messagesFor({ count: 2, list: 'BTC' })).toEqual([
      { field: 'list', message: 'list must be an array' },
    ]);
  });

  it('reports a missing field once', async () => {
    expect(await messagesFor({})).toEqual([
      { field: 'count', message: 'count should not be null or undefined' },
    ]);
  });
});

class PageQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',') : value,
  )
  @IsArray()
  ids?: string[];
}

class RangeQuery {
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  end?: Date;
}

describe('createValidationPipe on queries', () => {
  const query = (metatype: new () => object) => ({ type: 'query' as const, metatype });

  it('answers a repeated query with an equal DTO of its own', async () => {
    const sut = createValidationPipe();
    const first = (await sut.transform({ limit: '5', ids: 'a,b' }, query(PageQuery))) as PageQuery;
    first.ids!.push('changed by the handler');
    first.limit = 99;
    const second = (await sut.transform({ limit: '5', ids: 'a,b' }, query(PageQuery))) as PageQuery;
    expect(second).toBeInstanceOf(PageQuery);
    expect(second).not.toBe(first);
    expect(second).toEqual(Object.assign(new PageQuery(), { limit: 5, ids: ['a', 'b'] }));
    second.ids!.pop();
    const third = (await sut.transform({ limit: '5', ids: 'a,b' }, query(PageQuery))) as PageQuery;
    expect(third.ids).toEqual(['a', 'b']);
  });

  it('still refuses a repeated invalid query, with the same problem', async () => {
    const sut = createValidationPipe();
    for (let i = 0; i < 2; i++) {
      await expect(sut.transform({ limit: '0' }, query(PageQuery))).rejects.toMatchObject({
        options: { errors: [{ field: 'limit', message: 'limit must not be less than 1' }] },
      });
      await expect(sut.transform({ limit: '5', other: 'x' }, query(PageQuery))).rejects.toThrow();
    }
  });

  it('validates a query whose DTO holds objects every time (a Date is not shared)', async () => {
    const sut = createValidationPipe();
    const end = '2026-01-01T00:00:00.000Z';
    const first = (await sut.transform({ end }, query(RangeQuery))) as RangeQuery;
    first.end!.setUTCFullYear(1999);
    const second = (await sut.transform({ end }, query(RangeQuery))) as RangeQuery;
    expect(second.end).not.toBe(first.end);
    expect(second.end!.toISOString()).toBe(end);
  });
});

describe('QueryMemo', () => {
  it('keeps a bounded number of queries however many distinct ones arrive', () => {
    const memo = new QueryMemo();
    for (let i = 0; i < 30_000; i++) {
      const key = memo.keyOf(PageQuery, { limit: String(i) })!;
      memo.set(key, Object.assign(new PageQuery(), { limit: i }));
    }
    expect(memo.size).toBeLessThanOrEqual(10_000);
    expect(memo.get(memo.keyOf(PageQuery, { limit: '29999' })!)).toEqual(
      Object.assign(new PageQuery(), { limit: 29_999 }),
    );
  });

  it('does not key queries of other shapes or sizes, nor mix DTO classes', () => {
    const memo = new QueryMemo();
    expect(memo.keyOf(PageQuery, { limit: 5 })).toBeUndefined();
    expect(memo.keyOf(PageQuery, { ids: 'x'.repeat(5_000) })).toBeUndefined();
    expect(memo.keyOf(PageQuery, { limit: '5' })).not.toBe(memo.keyOf(RangeQuery, { limit: '5' }));
  });
});
