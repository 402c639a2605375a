import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsOptional, Max, MaxLength, Min } from 'class-validator';

export class OutboxMailQuery {
  @ApiPropertyOptional({ description: 'Only messages to this address (case-insensitive)', example: 'ada@example.com' })
  @IsOptional()
  @MaxLength(320)
  @IsEmail({}, { message: 'to must be an email address' })
  to?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;
}

export class OutboxMessageDto {
  @ApiProperty({ type: String, nullable: true, example: '<0b8c7a52-6f0e-4a8e-9a55-2f1c3c0d9e11@cowork.local>' })
  messageId: string | null;
  @ApiProperty({ example: 'Cowork <no-reply@cowork.local>' })
  from: string;
  @ApiProperty({ type: [String], description: 'Envelope recipients', example: ['ada@example.com'] })
  to: string[];
  @ApiProperty({ example: 'Booking confirmed: Lovelace Room on Mon 30 Nov 2026' })
  subject: string;
  @ApiProperty({ type: String, nullable: true })
  text: string | null;
  @ApiProperty({ type: String, nullable: true })
  html: string | null;
  @ApiProperty({ format: 'date-time' })
  receivedAt: string;
}

export class OutboxMailDto {
  @ApiProperty({ type: [OutboxMessageDto], description: 'Newest first' })
  items: OutboxMessageDto[];
}
