import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ServiceOnly } from '../auth/auth.decorators.js';
import { PRISMA_CLIENT } from '../database/database.module.js';

/**
 * Entries are served only once they are this old: a transaction that took its sequence number
 * earlier but commits later must not be skipped by a reader that has already moved past it.
 */
export const AUDIT_SETTLE_MS = 2000;

export class AuditEntriesQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, default: 0, description: 'Entries after this sequence' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after: number = 0;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 100;
}

export class AuditEntryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ type: 'integer', description: "This service's order of entries" })
  sequence: number;
  @ApiProperty({ format: 'date-time' })
  occurredAt: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The admin; null for the platform itself' })
  actorId: string | null;
  @ApiProperty({ example: 'user.role_changed' })
  action: string;
  @ApiProperty({ example: 'user' })
  targetType: string;
  @ApiProperty()
  targetId: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  before: Record<string, unknown> | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  after: Record<string, unknown> | null;
  @ApiProperty({ type: String, nullable: true })
  requestId: string | null;
}

export class AuditEntryPageDto {
  @ApiProperty({ type: [AuditEntryDto] })
  items: AuditEntryDto[];
  @ApiProperty({ type: 'integer', description: 'Pass as `after` for the next page (unchanged when there is none)' })
  nextAfter: number;
}

interface AuditRow {
  id: string;
  sequence: bigint;
  occurred_at: Date;
  actor_id: string | null;
  action: string;
  target_type: string;
  target_id: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  request_id: string | null;
}

interface RawReader {
  $queryRaw<T>(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<T>;
}

@ApiTags('audit')
@Controller('internal/audit-entries')
export class AuditEntriesController {
  constructor(@Inject(PRISMA_CLIENT) private readonly db: RawReader) {}

  @Get()
  @ServiceOnly()
  @ApiOperation({
    summary: "This service's admin actions, in order (admin-service collects them)",
    description: `Ascending by sequence, after \`after\`; entries younger than ${AUDIT_SETTLE_MS} ms are held back until no earlier one can still commit.`,
  })
  @ApiOkResponse({ type: AuditEntryPageDto })
  async list(@Query() query: AuditEntriesQuery): Promise<AuditEntryPageDto> {
    const rows = await this.db.$queryRaw<AuditRow[]>`
      SELECT id, sequence, occurred_at, actor_id, action, target_type, target_id, before, after, request_id
      FROM audit_entries
      WHERE sequence > ${query.after} AND occurred_at < now() - ${AUDIT_SETTLE_MS} * interval '1 millisecond'
      ORDER BY sequence
      LIMIT ${query.limit}`;
    const items = rows.map((r) => ({
      id: r.id,
      sequence: Number(r.sequence),
      occurredAt: r.occurred_at.toISOString(),
      actorId: r.actor_id,
      action: r.action,
      targetType: r.target_type,
      targetId: r.target_id,
      before: r.before,
      after: r.after,
      requestId: r.request_id,
    }));
    return { items, nextAfter: items.at(-1)?.sequence ?? query.after };
  }
}
