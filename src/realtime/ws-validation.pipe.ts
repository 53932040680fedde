import { Injectable, ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { AppException } from '../common/errors/app.exception';
import { flattenValidationErrors } from '../common/pipes/validation.pipe';

/**
 * Client messages, of both protocols, into their DTOs: the same rules as the HTTP pipe
 * (unknown fields rejected), and anything that is not an object is one clear error.
 */
@Injectable()
export class WsValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => AppException.validation(flattenValidationErrors(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const isDto = typeof metadata.metatype === 'function' && this.toValidate(metadata);
    if (isDto && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw AppException.validation([{ field: 'payload', message: 'must be a JSON object' }]);
    }
    return super.transform(value, metadata);
  }
}
