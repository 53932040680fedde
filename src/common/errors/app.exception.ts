import { ErrorCode, statusOf } from './error-code';

export interface FieldError {
  field: string;
  message: string;
}

/**
 * A domain error: services throw these, the problem-details filter turns them into
 * RFC 9457 responses. `extensions` become extra members of the problem body.
 */
export class AppException extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: {
      errors?: FieldError[];
      headers?: Record<string, string>;
      extensions?: Record<string, unknown>;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppException';
    this.status = statusOf(code);
  }

  static validation(errors: FieldError[]): AppException {
    const fields = [...new Set(errors.map((e) => e.field))];
    const detail =
      fields.length === 1
        ? `Invalid ${errors[0].field}: ${errors[0].message}`
        : `Validation failed for ${fields.join(', ')}`;
    return new AppException(ErrorCode.ValidationFailed, detail, { errors });
  }

  static notFound(message: string): AppException {
    return new AppException(ErrorCode.NotFound, message);
  }
}
