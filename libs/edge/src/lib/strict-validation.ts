import { ValidationPipe } from '@nestjs/common';

/**
 * The ValidationPipe of every LiteSession edge: DTO fields only, unknown fields refused, and a value that
 * is no object refused too. Run it after ShapeGuardPipe, which keeps class-transformer from walking
 * hostile input.
 */
export function strictValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    // Messages only: the refusal names the field, never echoes the value.
    validationError: { target: false, value: false },
  });
}
