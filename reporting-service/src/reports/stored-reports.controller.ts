import { ApiProblem, ApiUuidParam, CurrentPrincipal, Page, Roles, UuidParam } from '@cowork/service-kit';
import type { UserPrincipal } from '@cowork/service-kit';
import { Body, Controller, Delete, Get, Headers, HttpCode, Post, Query, Res, StreamableFile } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CreateReportDto } from './dto/create-report.dto.js';
import { ListReportsQuery } from './dto/report-queries.dto.js';
import { ReportDto, ReportPageDto } from './dto/report.dto.js';
import { StoredReportsService } from './stored-reports.service.js';

const ADMINS = 'Admins only; every admin sees every stored report.';

/** Reports generated in the background (any length up to REPORT_MAX_STORED_RANGE_DAYS), then downloaded. */
@ApiTags('stored reports')
@Controller('reports')
export class StoredReportsController {
  constructor(private readonly reports: StoredReportsService) {}

  @Post()
  @HttpCode(202)
  @Roles('ADMIN')
  @ApiOperation({
    summary: 'Ask for a report to be generated (JSON or CSV)',
    description:
      `${ADMINS} 202 with the report, PENDING: the background generator makes it READY (or FAILED); poll ` +
      'GET /reports/:id, then download it. Retries: without an Idempotency-Key every call creates another ' +
      'report. With one, the same admin sending the same key and request gets the report made the first time ' +
      '(200, header Idempotent-Replayed: true), whatever its state; the same key with another request is 422. ' +
      'A key is kept as long as its report (after DELETE it is free again). A new report is recorded in the ' +
      'audit trail (report.requested); a replay is not.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      '1 to 255 printable ASCII characters without spaces, scoped to the calling admin. Makes a retry safe: see above.',
  })
  @ApiAcceptedResponse({ type: ReportDto, description: 'Created, PENDING (Location: /reports/:id)' })
  @ApiOkResponse({ type: ReportDto, description: 'A replay: the report created earlier under this Idempotency-Key' })
  @ApiProblem(
    400,
    'Invalid input, each field named in `errors` (VALIDATION_FAILED: unknown type or format, from/to, groupBy or ' +
      'workspaceId for a type that does not take it); a range longer than REPORT_MAX_STORED_RANGE_DAYS ' +
      '(REPORT_RANGE_TOO_LONG); a malformed Idempotency-Key (IDEMPOTENCY_KEY_REQUIRED)',
  )
  @ApiProblem(422, 'The Idempotency-Key was used by this admin with another request (IDEMPOTENCY_KEY_REUSED)')
  async create(
    @CurrentPrincipal() admin: UserPrincipal,
    @Body() body: CreateReportDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReportDto> {
    const { report, created } = await this.reports.create(admin, body, idempotencyKey);
    void reply.header('location', `/reports/${report.id}`);
    if (!created) void reply.status(200).header('idempotent-replayed', 'true');
    return report;
  }

  @Get()
  @Roles('ADMIN')
  @ApiOperation({ summary: 'Stored reports, newest first', description: ADMINS })
  @ApiOkResponse({ type: ReportPageDto })
  list(@Query() query: ListReportsQuery): Promise<Page<ReportDto>> {
    return this.reports.list(query);
  }

  @Get(':id')
  @Roles('ADMIN')
  @ApiOperation({ summary: 'One stored report and its state', description: ADMINS })
  @ApiUuidParam('id', 'The report id')
  @ApiOkResponse({ type: ReportDto })
  @ApiProblem(404, 'No such report (REPORT_NOT_FOUND)')
  get(@UuidParam() id: string): Promise<ReportDto> {
    return this.reports.get(id);
  }

  @Get(':id/download')
  @Roles('ADMIN')
  @ApiProduces('text/csv', 'application/json')
  @ApiOperation({
    summary: "Download a READY report's content",
    description:
      `${ADMINS} Streamed chunk by chunk as stored (never assembled in memory), as an attachment named ` +
      '<type>-<from date>-<to date>.<csv|json> (UTC dates), with Content-Length.',
  })
  @ApiUuidParam('id', 'The report id')
  @ApiOkResponse({
    description: 'The report (text/csv; charset=utf-8, or application/json)',
    content: {
      'text/csv': { schema: { type: 'string' } },
      'application/json': { schema: { type: 'object', additionalProperties: true } },
    },
  })
  @ApiProblem(404, 'No such report (REPORT_NOT_FOUND)')
  @ApiProblem(
    409,
    'Not READY: still PENDING or GENERATING (REPORT_NOT_READY, Retry-After), or generation failed (REPORT_FAILED)',
  )
  async download(@UuidParam() id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<StreamableFile> {
    const download = await this.reports.download(id);
    void reply.header('cache-control', 'no-store');
    return new StreamableFile(download.body, {
      type: download.contentType,
      disposition: `attachment; filename="${download.fileName}"`,
      length: Number(download.report.byteSize),
    });
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('ADMIN')
  @ApiOperation({
    summary: 'Delete a stored report and its content',
    description:
      `${ADMINS} 204. Not idempotent in its answer: a repeat (or a retry after a lost 204) is 404 ` +
      'REPORT_NOT_FOUND, and the report is gone either way. A report being generated stops being written. ' +
      'Recorded in the audit trail (report.deleted, with the report as it was) once; the 404 of a repeat is not.',
  })
  @ApiUuidParam('id', 'The report id')
  @ApiNoContentResponse({ description: 'Deleted, with its chunks' })
  @ApiProblem(404, 'No such report, or already deleted (REPORT_NOT_FOUND)')
  delete(@CurrentPrincipal() admin: UserPrincipal, @UuidParam() id: string): Promise<void> {
    return this.reports.delete(id, admin.userId);
  }
}
