import { ValidateIf } from 'class-validator';

/**
 * The field may be left out. Unlike class-validator's `@IsOptional()`, a `null` is not "left out": it is
 * validated like any present value, so the field's other rules refuse it.
 */
export function OptionalField(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}
