import { INSTANT_WITH_OFFSET, NoControlCharacters } from '@cowork/service-kit';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

/** Sequences are read as JavaScript numbers: exact up to 2^53 - 1. */
const MAX_SEQUENCE = Number.MAX_SAFE_INTEGER;

/**
 * One entry of a source's `GET /internal/audit-entries`, validated before it is stored: the
 * columns' limits are checked here, so a bad entry stops its source's collection (logged) instead
 * of failing the insert of its whole page. Fields beyond the contract are ignored.
 */
export class SourceAuditEntryDto {
  @IsUUID('all')
  id: string;

  @IsInt()
  @Min(1)
  @Max(MAX_SEQUENCE)
  sequence: number;

  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(INSTANT_WITH_OFFSET, { message: '$property must be an ISO-8601 instant with an offset' })
  occurredAt: string;

  @IsOptional()
  @IsUUID('all')
  actorId?: string | null;

  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  @NoControlCharacters()
  action: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  @NoControlCharacters()
  targetType: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @NoControlCharacters()
  targetId: string;

  @IsOptional()
  @IsObject()
  before?: Record<string, unknown> | null;

  @IsOptional()
  @IsObject()
  after?: Record<string, unknown> | null;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  @NoControlCharacters()
  requestId?: string | null;
}

export class SourceAuditPageDto {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SourceAuditEntryDto)
  items: SourceAuditEntryDto[];

  @IsInt()
  @Min(0)
  @Max(MAX_SEQUENCE)
  nextAfter: number;
}
