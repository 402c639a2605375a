import { InstantProperty, UuidProperty } from '@cowork/service-kit';
import { ApiProperty } from '@nestjs/swagger';

export class AvailabilityQuery {
  @UuidProperty()
  workspaceId: string;

  @InstantProperty({ description: 'Start of the window (inclusive)' })
  from: string;

  @InstantProperty({ description: 'End of the window (exclusive); at most 31 days after from' })
  to: string;
}

export class FreeIntervalDto {
  @ApiProperty({ format: 'date-time' })
  startTime: string;
  @ApiProperty({ format: 'date-time' })
  endTime: string;
}

export class AvailabilityDto {
  @ApiProperty({ format: 'uuid' })
  workspaceId: string;
  @ApiProperty({ example: 'Europe/Berlin', description: 'The workspace time zone its opening hours are in' })
  timezone: string;
  @ApiProperty({ format: 'date-time' })
  from: string;
  @ApiProperty({ format: 'date-time' })
  to: string;
  @ApiProperty({ type: [FreeIntervalDto], description: 'Open and not booked, as half-open UTC intervals' })
  free: FreeIntervalDto[];
}
