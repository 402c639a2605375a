import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString } from 'class-validator';

/**
 * One opening range on one weekday, in the workspace's local time. The service validates each
 * entry of `openingHours` against this class (types, unknown properties) and then with
 * @cowork/workspace-rules' openingHoursViolations (times, close after open, overlaps), naming
 * fields as `openingHours[<index>].<property>`.
 */
export class OpeningRangeDto {
  @ApiProperty({ minimum: 1, maximum: 7, example: 1, description: 'ISO weekday: 1 = Monday ... 7 = Sunday' })
  @IsInt()
  day: number;

  @ApiProperty({
    example: '08:00',
    pattern: '^([01]\\d|2[0-3]):[0-5]\\d$',
    description: 'Local opening time, "HH:MM" from 00:00 to 23:59',
  })
  @IsString()
  open: string;

  @ApiProperty({
    example: '18:00',
    pattern: '^(([01]\\d|2[0-3]):[0-5]\\d|24:00)$',
    description: 'Local closing time, "HH:MM", after `open`; "24:00" is the end of the day',
  })
  @IsString()
  close: string;
}
