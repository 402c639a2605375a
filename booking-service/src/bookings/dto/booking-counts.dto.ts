import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsUUID } from 'class-validator';

export class BookingCountsQuery {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'Repeat for each user: ?userId=…&userId=… (1 to 100)',
    isArray: true,
  })
  // one ?userId= arrives as a string, several as an array
  @Transform(({ value }) => (Array.isArray(value) ? value : [value]))
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  userId!: string[];
}

export class BookingCountsDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { '541f2f7e-0c1a-4d3e-9d6f-3f7c8d2a1b00': 3 },
    description: 'Bookings per requested user id (0 for none)',
  })
  counts!: Record<string, number>;
}
