import { applyDecorators, Param, ParseUUIDPipe } from '@nestjs/common';
import { ValidationFailedError } from '../errors/domain-error.js';
import { ApiParam, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  buildMessage,
  IsISO8601,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidationOptions,
} from 'class-validator';

/** A UUID field (validation + OpenAPI in one). */
export function UuidProperty(options: { description?: string; optional?: boolean } = {}) {
  const doc = { format: 'uuid', type: String, description: options.description };
  return applyDecorators(
    ...(options.optional ? [IsOptional(), ApiPropertyOptional(doc)] : [ApiProperty(doc)]),
    IsUUID('all'),
  );
}

/**
 * Extended ISO-8601 date and time with `Z` or a `±hh:mm` offset. IsISO8601 alone also lets
 * through local times without an offset (read in the server's own zone) and date-only forms.
 */
export const INSTANT_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** An ISO-8601 instant with an offset, e.g. 2026-01-05T10:00:00Z. */
export function InstantProperty(options: { description?: string; optional?: boolean } = {}) {
  const doc = {
    type: String,
    format: 'date-time',
    example: '2026-01-05T10:00:00Z',
    description: options.description,
  };
  return applyDecorators(
    ...(options.optional ? [IsOptional(), ApiPropertyOptional(doc)] : [ApiProperty(doc)]),
    IsISO8601({ strict: true, strictSeparator: true }),
    Matches(INSTANT_WITH_OFFSET, {
      message: '$property must be an ISO-8601 instant with an offset, e.g. 2026-01-05T10:00:00Z',
    }),
  );
}

/** Money as integer minor units (cents). */
export function MinorUnitsProperty(options: { description?: string; optional?: boolean } = {}) {
  const doc = {
    type: Number,
    minimum: 0,
    example: 2500,
    description: options.description ?? 'Integer minor units (cents)',
  };
  return applyDecorators(
    ...(options.optional ? [IsOptional(), ApiPropertyOptional(doc)] : [ApiProperty(doc)]),
    IsInt(),
    Min(0),
    Max(100_000_000_00),
  );
}

/** Text carries no control characters: PostgreSQL cannot store NUL, and none belongs in a name. */
export const NoControlCharacters = () =>
  Matches(/^[^\p{Cc}]*$/u, { message: '$property must not contain control characters' });

/**
 * At most `max` characters as PostgreSQL counts them (code points). class-validator's MaxLength
 * discounts emoji presentation selectors, so a string it accepts could overflow a VARCHAR(n).
 */
export const MaxCharacters = (max: number, options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'maxCharacters',
      constraints: [max],
      validator: {
        validate: (value) => typeof value === 'string' && [...value].length <= max,
        defaultMessage: buildMessage((each) => `${each}$property must be at most $constraint1 characters long`),
      },
    },
    options,
  );

/** Bounded free text without control characters. */
export function TextProperty(
  maxLength: number,
  options: { description?: string; optional?: boolean; example?: string } = {},
) {
  const doc = { type: String, maxLength, description: options.description, example: options.example };
  return applyDecorators(
    ...(options.optional ? [IsOptional(), ApiPropertyOptional(doc)] : [ApiProperty(doc)]),
    IsString(),
    MaxCharacters(maxLength),
    NoControlCharacters(),
  );
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** `limit` and `cursor` for every list; extend it with the list's own filters. */
export class PageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;

  @ApiPropertyOptional({ description: "Opaque cursor from the previous page's nextCursor" })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

/** A UUID path parameter; anything else is 400 VALIDATION_FAILED naming it. Pair with ApiUuidParam. */
export const UuidParam = (name = 'id') =>
  Param(
    name,
    new ParseUUIDPipe({ exceptionFactory: () => ValidationFailedError.forField(name, `${name} must be a UUID`) }),
  );

export const ApiUuidParam = (name = 'id', description?: string) =>
  ApiParam({ name, format: 'uuid', type: String, description });
