import { ApiProperty } from '@nestjs/swagger';
import { registerDecorator } from 'class-validator';

const MAX_TEXT_LENGTH = 5_000;
const MAX_BATCH_SIZE = 100;

/** What is wrong with a text (" must …"), or undefined. Length counts code points. */
function textProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return ' must be a string';
  if (value.trim() === '') return ' must not be empty or whitespace only';
  let length = 0;
  for (const _ of value) length += 1;
  if (length > MAX_TEXT_LENGTH) return ` must be at most ${MAX_TEXT_LENGTH} characters`;
  return undefined;
}

/** What is wrong with a list of texts, naming the first bad item ("[3] must …"), or undefined. */
function textsProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return ' must be an array of strings';
  if (value.length === 0) return ' must contain at least 1 text';
  if (value.length > MAX_BATCH_SIZE) return ` must contain at most ${MAX_BATCH_SIZE} texts`;
  for (const [index, item] of value.entries()) {
    const problem = textProblem(item);
    if (problem !== undefined) return `[${index}]${problem}`;
  }
  return undefined;
}

/**
 * One rule, one message per field: class-validator's separate IsString/MaxLength/IsNotEmpty
 * would also call a number too long and blank, and its `each` messages do not say which item.
 */
function Analyzable(name: string, problem: (value: unknown) => string | undefined) {
  return (target: object, propertyName: string): void => {
    registerDecorator({
      name,
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) => problem(value) === undefined,
        defaultMessage: (args) => `${args?.property}${problem(args?.value)}`,
      },
    });
  };
}

export class AnalyzeSentimentDto {
  @ApiProperty({
    description: `Text to analyze: 1 to ${MAX_TEXT_LENGTH} characters, not only whitespace`,
    minLength: 1,
    maxLength: MAX_TEXT_LENGTH,
    example: 'Bitcoin is surging! Great bullish momentum for $BTC 🚀',
  })
  @Analyzable('analyzableText', textProblem)
  text!: string;
}

export class AnalyzeSentimentBatchDto {
  @ApiProperty({
    description:
      `1 to ${MAX_BATCH_SIZE} texts, each 1 to ${MAX_TEXT_LENGTH} characters; the whole body ` +
      'must also fit the request body limit (BODY_LIMIT_BYTES, 100 KiB by default)',
    type: 'array',
    items: { type: 'string', minLength: 1, maxLength: MAX_TEXT_LENGTH },
    minItems: 1,
    maxItems: MAX_BATCH_SIZE,
    example: [
      'SEC approves spot Ether ETFs, ETH jumps 20%',
      'Exchange hacked, withdrawals halted 💀',
      'Bitcoin trades flat ahead of the CPI report',
    ],
  })
  @Analyzable('analyzableTexts', textsProblem)
  texts!: string[];
}
