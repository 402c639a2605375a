import { MaxCharacters, NoControlCharacters, PageQuery } from '@cowork/service-kit';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  Min,
} from 'class-validator';
import { WorkspaceType } from '../../generated/prisma/enums.js';
import { OpeningRangeDto } from './opening-range.dto.js';
import {
  IsIanaTimeZone,
  IsIsoCurrency,
  LIMITS,
  NoControlCharactersButWhitespace,
  OptionalNotNull,
  QueryBoolean,
  trim,
  upperCase,
} from './validators.js';

const OPENING_HOURS_DOC =
  "Weekly opening hours in the workspace's local time: entries `{day, open, close}`, several a day allowed " +
  '(they must not overlap; touching is fine), a day without entries is closed, an empty list means closed every day. ' +
  '`null` or no `openingHours` at all: open at all times. Stored and returned sorted by day, then open. ' +
  `At most ${LIMITS.openingRanges} entries. Errors name the entry: \`openingHours[1].close\`, \`openingHours[2]\` (overlap).`;

const BOOKING_MINUTES_DOC = { minimum: LIMITS.bookingMinutes.min, maximum: LIMITS.bookingMinutes.max };

/**
 * The fields of a workspace an admin sets. Per-field rules live here (one class is both the
 * validation and the OpenAPI schema); the service adds the checks that span fields
 * (maxBookingMinutes >= minBookingMinutes, opening hours) on the whole workspace.
 */
export class CreateWorkspaceDto {
  @ApiProperty({ minLength: 1, maxLength: LIMITS.nameLength, example: 'Quiet desk 12', description: 'Trimmed' })
  @IsString()
  @trim()
  @IsNotEmpty()
  @MaxCharacters(LIMITS.nameLength)
  @NoControlCharacters()
  name: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: LIMITS.descriptionLength,
    example: 'By the window, with a monitor and a standing desk',
    description: 'Trimmed; blank or null means none',
  })
  @IsOptional()
  @IsString()
  @trim()
  @MaxCharacters(LIMITS.descriptionLength)
  @NoControlCharactersButWhitespace()
  description?: string | null;

  @ApiProperty({ enum: WorkspaceType, enumName: 'WorkspaceType' })
  @IsEnum(WorkspaceType)
  type: WorkspaceType;

  @ApiProperty({
    minimum: LIMITS.capacity.min,
    maximum: LIMITS.capacity.max,
    example: 1,
    description: 'People it holds',
  })
  @IsInt()
  @Min(LIMITS.capacity.min)
  @Max(LIMITS.capacity.max)
  capacity: number;

  @ApiProperty({
    minimum: LIMITS.hourlyRateCents.min,
    maximum: LIMITS.hourlyRateCents.max,
    example: 1500,
    description: 'Price per hour in integer minor units of `currency` (cents); 0 is free',
  })
  @IsInt()
  @Min(LIMITS.hourlyRateCents.min)
  @Max(LIMITS.hourlyRateCents.max)
  hourlyRateCents: number;

  @ApiProperty({ example: 'EUR', minLength: 3, maxLength: 3, description: 'ISO 4217 code; upper-cased ("eur" is EUR)' })
  @IsString()
  @upperCase()
  @IsIsoCurrency()
  currency: string;

  @ApiProperty({
    example: 'Europe/Berlin',
    maxLength: 64,
    description: 'IANA time zone the opening hours are in; offsets such as "+02:00" are refused',
  })
  @IsString()
  @trim()
  @IsIanaTimeZone()
  timezone: string;

  @ApiPropertyOptional({ type: [OpeningRangeDto], nullable: true, description: OPENING_HOURS_DOC })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIMITS.openingRanges)
  openingHours?: OpeningRangeDto[] | null;

  @ApiPropertyOptional({ ...BOOKING_MINUTES_DOC, default: 30, description: 'Shortest booking, in minutes' })
  @OptionalNotNull()
  @IsInt()
  @Min(LIMITS.bookingMinutes.min)
  @Max(LIMITS.bookingMinutes.max)
  minBookingMinutes?: number;

  @ApiPropertyOptional({
    ...BOOKING_MINUTES_DOC,
    default: 1440,
    description: 'Longest booking, in minutes; at least minBookingMinutes',
  })
  @OptionalNotNull()
  @IsInt()
  @Min(LIMITS.bookingMinutes.min)
  @Max(LIMITS.bookingMinutes.max)
  maxBookingMinutes?: number;
}

/**
 * Any subset of the fields of a workspace except `active` (see activate/deactivate). A field
 * left out keeps its value; `description` and `openingHours` may be set to null.
 */
export class UpdateWorkspaceDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: LIMITS.nameLength, example: 'Quiet desk 12' })
  @OptionalNotNull()
  @IsString()
  @trim()
  @IsNotEmpty()
  @MaxCharacters(LIMITS.nameLength)
  @NoControlCharacters()
  name?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: LIMITS.descriptionLength,
    description: 'null or blank removes it',
  })
  @IsOptional()
  @IsString()
  @trim()
  @MaxCharacters(LIMITS.descriptionLength)
  @NoControlCharactersButWhitespace()
  description?: string | null;

  @ApiPropertyOptional({ enum: WorkspaceType, enumName: 'WorkspaceType' })
  @OptionalNotNull()
  @IsEnum(WorkspaceType)
  type?: WorkspaceType;

  @ApiPropertyOptional({ minimum: LIMITS.capacity.min, maximum: LIMITS.capacity.max })
  @OptionalNotNull()
  @IsInt()
  @Min(LIMITS.capacity.min)
  @Max(LIMITS.capacity.max)
  capacity?: number;

  @ApiPropertyOptional({ minimum: LIMITS.hourlyRateCents.min, maximum: LIMITS.hourlyRateCents.max })
  @OptionalNotNull()
  @IsInt()
  @Min(LIMITS.hourlyRateCents.min)
  @Max(LIMITS.hourlyRateCents.max)
  hourlyRateCents?: number;

  @ApiPropertyOptional({ example: 'EUR', minLength: 3, maxLength: 3 })
  @OptionalNotNull()
  @IsString()
  @upperCase()
  @IsIsoCurrency()
  currency?: string;

  @ApiPropertyOptional({ example: 'Europe/Berlin', maxLength: 64 })
  @OptionalNotNull()
  @IsString()
  @trim()
  @IsIanaTimeZone()
  timezone?: string;

  @ApiPropertyOptional({
    type: [OpeningRangeDto],
    nullable: true,
    description: `Replaces the whole list; null: open at all times. ${OPENING_HOURS_DOC}`,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIMITS.openingRanges)
  openingHours?: OpeningRangeDto[] | null;

  @ApiPropertyOptional(BOOKING_MINUTES_DOC)
  @OptionalNotNull()
  @IsInt()
  @Min(LIMITS.bookingMinutes.min)
  @Max(LIMITS.bookingMinutes.max)
  minBookingMinutes?: number;

  @ApiPropertyOptional({
    ...BOOKING_MINUTES_DOC,
    description: 'At least minBookingMinutes (the stored one if not given)',
  })
  @OptionalNotNull()
  @IsInt()
  @Min(LIMITS.bookingMinutes.min)
  @Max(LIMITS.bookingMinutes.max)
  maxBookingMinutes?: number;
}

export class ListWorkspacesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: WorkspaceType, enumName: 'WorkspaceType' })
  @IsOptional()
  @IsEnum(WorkspaceType)
  type?: WorkspaceType;

  @ApiPropertyOptional({
    minimum: LIMITS.capacity.min,
    maximum: LIMITS.capacity.max,
    description: 'Only workspaces that hold at least this many people',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(LIMITS.capacity.min)
  @Max(LIMITS.capacity.max)
  minCapacity?: number;

  @ApiPropertyOptional({
    type: Boolean,
    default: true,
    description:
      'true (the default): only workspaces taking bookings; false: only deactivated ones. ' +
      'Query both to see the whole catalogue.',
  })
  @QueryBoolean()
  @IsBoolean()
  active: boolean = true;
}
