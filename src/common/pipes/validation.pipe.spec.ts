import { IsArray, IsDefined, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { AppException } from '../errors/app.exception';
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
