import { Roles } from '@cowork/service-kit';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditService } from './audit.service.js';
import { AuditLogPageDto, ListAuditQuery } from './dto/audit.dto.js';

@ApiTags('admin: audit')
@Controller('admin/audit')
@Roles('ADMIN')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({
    summary: 'The platform audit log, newest first',
    description:
      "Every service's audit entries (collected every AUDIT_POLL_INTERVAL_MS from each source's " +
      "/internal/audit-entries, so a new entry appears within a few seconds) and admin-service's own " +
      '(settings changes). Filters combine; `from`/`to` bound occurredAt as [from, to). The log is append-only: ' +
      'no endpoint changes or deletes an entry, and the database refuses it too.',
  })
  @ApiOkResponse({ type: AuditLogPageDto })
  list(@Query() query: ListAuditQuery): Promise<AuditLogPageDto> {
    return this.audit.list(query);
  }
}
