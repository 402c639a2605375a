import { InstantProperty, NoControlCharacters, PageQuery, UuidProperty } from '@cowork/service-kit';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { AuditLogEntry } from '../../generated/prisma/client.js';

const JSON_OBJECT = { type: 'object', additionalProperties: true, nullable: true } as const;

export class AuditLogEntryDto {
  @ApiProperty({ format: 'uuid', description: "This log's id of the entry" })
  id: string;
  @ApiProperty({ example: 'user-service', description: 'The service that recorded the action' })
  source: string;
  @ApiProperty({ example: '8a1c…', description: "The entry's id at its source" })
  sourceEntryId: string;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 42,
    description: "The entry's position at its source; null for admin-service's own entries",
  })
  sequence: number | null;
  @ApiProperty({ format: 'date-time' })
  occurredAt: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Who acted; null for the system' })
  actorId: string | null;
  @ApiProperty({ example: 'user.role_changed' })
  action: string;
  @ApiProperty({ example: 'user' })
  targetType: string;
  @ApiProperty({ example: '541f…' })
  targetId: string;
  @ApiProperty({ ...JSON_OBJECT, example: { role: 'MEMBER' } })
  before: Record<string, unknown> | null;
  @ApiProperty({ ...JSON_OBJECT, example: { role: 'ADMIN' } })
  after: Record<string, unknown> | null;
  @ApiProperty({ type: String, nullable: true, description: 'The x-request-id of the request that did it' })
  requestId: string | null;
  @ApiProperty({ format: 'date-time', description: 'When admin-service stored it' })
  recordedAt: string;

  static from(row: AuditLogEntry): AuditLogEntryDto {
    return {
      id: row.id,
      source: row.source,
      sourceEntryId: row.sourceEntryId,
      sequence: row.sequence === null ? null : Number(row.sequence),
      occurredAt: row.occurredAt.toISOString(),
      actorId: row.actorId,
      action: row.action,
      targetType: row.targetType,
      targetId: row.targetId,
      before: row.before as Record<string, unknown> | null,
      after: row.after as Record<string, unknown> | null,
      requestId: row.requestId,
      recordedAt: row.recordedAt.toISOString(),
    };
  }
}

export class AuditLogPageDto {
  @ApiProperty({ type: [AuditLogEntryDto] })
  items: AuditLogEntryDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  nextCursor: string | null;
}

export class ListAuditQuery extends PageQuery {
  @UuidProperty({ optional: true, description: 'Only entries of this actor (user id)' })
  actor?: string;

  @ApiPropertyOptional({ example: 'user.role_changed', maxLength: 100, description: 'Only this action (exact)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @NoControlCharacters()
  action?: string;

  @ApiPropertyOptional({ example: 'user-service', description: 'Only entries recorded by this service' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9-]{0,63}$/, { message: 'source must be a service name, e.g. user-service' })
  source?: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'Only entries about this target id (exact)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @NoControlCharacters()
  targetId?: string;

  @InstantProperty({ optional: true, description: 'Only entries that occurred at or after this instant' })
  from?: string;

  @InstantProperty({ optional: true, description: 'Only entries that occurred before this instant' })
  to?: string;
}
