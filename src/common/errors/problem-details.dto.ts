import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorCode } from './error-code';

export class FieldErrorDto {
  @ApiProperty({ example: 'limit' })
  field!: string;

  @ApiProperty({ example: 'limit must not be greater than 1000' })
  message!: string;
}

/** OpenAPI schema of every error body (RFC 9457 application/problem+json). */
export class ProblemDetailsDto {
  @ApiProperty({
    example: '/problems/validation-failed',
    description: 'Problem type (relative URI reference)',
  })
  type!: string;

  @ApiProperty({ example: 'Bad Request', description: 'HTTP reason phrase of the status' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiProperty({ example: 'Invalid limit: limit must not be greater than 1000' })
  detail!: string;

  @ApiProperty({ example: '/api/v1/cryptocurrencies' })
  instance!: string;

  @ApiProperty({
    example: 'Invalid limit: limit must not be greater than 1000',
    description: 'Same as detail',
  })
  error!: string;

  @ApiProperty({ enum: ErrorCode, enumName: 'ErrorCode', example: ErrorCode.ValidationFailed })
  code!: ErrorCode;

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  timestamp!: string;

  @ApiProperty({
    example: '5f0c6f4e-8a0e-4a55-a5b8-1b3d1c8a9f10',
    description: 'Also in the X-Request-Id header',
  })
  requestId!: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'Present on validation failures' })
  errors?: FieldErrorDto[];
}
