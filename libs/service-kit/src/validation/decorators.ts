import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsISO8601, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

/** A UUID field (validation + OpenAPI in one). */
export function UuidProperty(options: { description?: string; optional?: boolean } = {}) {
  const doc = { format: 'uuid', type: String, description: options.description };
  return applyDecorators(
    ...(options.optional ? [IsOptional(), ApiPropertyOptional(doc)] : [ApiProperty(doc)]),
    IsUUID('all'),
  );
}

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

/** Bounded free text without control characters. */
export function TextProperty(
  maxLength: number,
  options: { description?: string; optional?: boolean; example?: string } = {},
) {
  const doc = { type: String, maxLength, description: options.description, example: options.example };
  return applyDecorators(
    ...(options.optional ? [IsOptional(), ApiPropertyOptional(doc)] : [ApiProperty(doc)]),
    IsString(),
    MaxLength(maxLength),
    NoControlCharacters(),
  );
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** `limit` and `cursor` for every list; extend it with the list's own filters. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
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
