import { PageQuery } from '@cowork/service-kit';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { OutboxDelivery } from '../../generated/prisma/client.js';
import { DeliveryStatus } from '../../generated/prisma/enums.js';
import type { OutboxEventWithDeliveries } from '../outbox.repository.js';

export class ListOutboxQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: DeliveryStatus,
    enumName: 'DeliveryStatus',
    description: 'Only events with a delivery in this status (DEAD: gave up, needs a retry)',
  })
  @IsOptional()
  @IsEnum(DeliveryStatus)
  status?: DeliveryStatus;

  @ApiPropertyOptional({ example: 'notification-service', description: 'Only deliveries to this subscriber' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(/^[a-z][a-z0-9-]*$/, { message: '$property must be a service name such as notification-service' })
  subscriber?: string;
}

export class OutboxDeliveryDto {
  @ApiProperty({ example: 'notification-service' })
  subscriber: string;
  @ApiProperty({ enum: DeliveryStatus, enumName: 'DeliveryStatus' })
  status: DeliveryStatus;
  @ApiProperty({ description: 'Attempts made so far (a retry by an admin starts again from 0)' })
  attempts: number;
  @ApiProperty({ format: 'date-time', description: 'PENDING: when the next attempt is due' })
  nextAttemptAt: string;
  @ApiProperty({ type: String, nullable: true, description: 'Why the last attempt failed' })
  lastError: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  deliveredAt: string | null;

  static from(row: OutboxDelivery): OutboxDeliveryDto {
    return {
      subscriber: row.subscriber,
      status: row.status,
      attempts: row.attempts,
      nextAttemptAt: row.nextAttemptAt.toISOString(),
      lastError: row.lastError,
      deliveredAt: row.deliveredAt?.toISOString() ?? null,
    };
  }
}

export class OutboxEventDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ example: 'booking.confirmed' })
  type: string;
  @ApiProperty({ description: 'Schema version of the payload' })
  version: number;
  @ApiProperty({ format: 'uuid', description: 'The booking' })
  aggregateId: string;
  @ApiProperty({ description: 'Outbox position: write order' })
  sequence: number;
  @ApiProperty({ format: 'date-time' })
  occurredAt: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'As delivered (event catalogue)' })
  payload: Record<string, unknown>;
  @ApiProperty({ type: [OutboxDeliveryDto] })
  deliveries: OutboxDeliveryDto[];

  static from(row: OutboxEventWithDeliveries): OutboxEventDto {
    return {
      id: row.id,
      type: row.type,
      version: row.schemaVersion,
      aggregateId: row.aggregateId,
      sequence: Number(row.position),
      occurredAt: row.occurredAt.toISOString(),
      payload: row.payload as Record<string, unknown>,
      deliveries: row.deliveries.map(OutboxDeliveryDto.from),
    };
  }
}

export class OutboxEventPageDto {
  @ApiProperty({ type: [OutboxEventDto] })
  items: OutboxEventDto[];
  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}
