import { decodeCursor, encodeCursor, ValidationFailedError } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { AuditLogRepository } from './audit-log.repository.js';
import { AuditLogEntryDto, AuditLogPageDto, ListAuditQuery } from './dto/audit.dto.js';

@Injectable()
export class AuditService {
  constructor(private readonly log: AuditLogRepository) {}

  /** The log, newest first (by when the action occurred), filtered; keyset pages. */
  async list(query: ListAuditQuery): Promise<AuditLogPageDto> {
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    if (from && to && from >= to) throw ValidationFailedError.forField('to', 'to must be after from');
    const rows = await this.log.list(
      { actorId: query.actor, action: query.action, source: query.source, targetId: query.targetId, from, to },
      query.limit,
      decodeCursor(query.cursor),
    );
    const more = rows.length > query.limit;
    const items = more ? rows.slice(0, query.limit) : rows;
    const last = items[items.length - 1];
    return {
      items: items.map(AuditLogEntryDto.from),
      nextCursor: more && last ? encodeCursor({ createdAt: last.occurredAt.toISOString(), id: last.id }) : null,
    };
  }
}
