import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldViolation, ValidationFailedError } from '../errors/domain-error.js';

/** whitelist + forbidNonWhitelisted + transform; failures name every field that is wrong. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => new ValidationFailedError(flattenViolations(errors)),
  });
}

export function flattenViolations(errors: ValidationError[], prefix = ''): FieldViolation[] {
  return errors.flatMap((error) => {
    // array elements read as field[1].sub, as the workspace rules name them
    const field = !prefix
      ? error.property
      : /^\d+$/.test(error.property)
        ? `${prefix}[${error.property}]`
        : `${prefix}.${error.property}`;
    const own: FieldViolation[] = error.constraints
      ? [{ field, messages: Object.values(error.constraints).map((m) => qualify(m, prefix)) }]
      : [];
    return [...own, ...flattenViolations(error.children ?? [], field)];
  });
}

// class-validator says "property x should not exist" / "startTime must be ..." without the path
function qualify(message: string, prefix: string): string {
  return prefix ? `${prefix}.${message}` : message;
}
