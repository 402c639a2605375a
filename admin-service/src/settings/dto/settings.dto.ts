import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ValidateBy } from 'class-validator';
import type { SettingsVersionRecord } from '../settings.repository.js';

export const CANCELLATION_FULL_REFUND_HOURS = { min: 0, max: 8760 } as const;
export const BOOKING_HOLD_MINUTES = { min: 1, max: 1440 } as const;
const SETTING_NAMES = ['cancellationFullRefundHours', 'bookingHoldMinutes'] as const;

/**
 * An optional integer setting in [min, max]. When every setting is absent, each one fails with
 * "send at least one of ...", so an empty PATCH names the fields it could have carried.
 */
function SettingProperty(range: { min: number; max: number }, description: string) {
  return (target: object, property: string) => {
    ApiPropertyOptional({ type: 'integer', minimum: range.min, maximum: range.max, description })(target, property);
    ValidateBy({
      name: 'setting',
      validator: {
        validate: (value, args) =>
          value === undefined
            ? SETTING_NAMES.some((name) => (args?.object as Record<string, unknown>)[name] !== undefined)
            : Number.isInteger(value) && (value as number) >= range.min && (value as number) <= range.max,
        defaultMessage: (args) =>
          args?.value === undefined
            ? `send at least one of ${SETTING_NAMES.join(', ')}`
            : `${property} must be an integer from ${range.min} to ${range.max}`,
      },
    })(target, property);
  };
}

export class UpdateSettingsDto {
  @SettingProperty(
    CANCELLATION_FULL_REFUND_HOURS,
    'Cancelling at least this many hours before the start refunds in full (0 to 8760)',
  )
  cancellationFullRefundHours?: number;

  @SettingProperty(BOOKING_HOLD_MINUTES, 'How long an unpaid booking holds its slot, in minutes (1 to 1440)')
  bookingHoldMinutes?: number;
}

/** The settings in force, as booking-service reads them. */
export class InternalSettingsDto {
  @ApiProperty({ type: 'integer', example: 2, description: 'Increases by one with every change' })
  version: number;
  @ApiProperty({ type: 'integer', example: 24, minimum: 0, maximum: 8760 })
  cancellationFullRefundHours: number;
  @ApiProperty({ type: 'integer', example: 15, minimum: 1, maximum: 1440 })
  bookingHoldMinutes: number;
  @ApiProperty({ format: 'date-time', description: 'When this version was made' })
  updatedAt: string;

  static from(row: SettingsVersionRecord): InternalSettingsDto {
    return {
      version: row.version,
      cancellationFullRefundHours: row.values.cancellationFullRefundHours,
      bookingHoldMinutes: row.values.bookingHoldMinutes,
      updatedAt: row.changedAt.toISOString(),
    };
  }
}

export class SettingsDto extends InternalSettingsDto {
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The admin who made this version; null for the defaults the service started with',
  })
  updatedBy: string | null;

  static override from(row: SettingsVersionRecord): SettingsDto {
    return { ...InternalSettingsDto.from(row), updatedBy: row.changedBy };
  }
}
