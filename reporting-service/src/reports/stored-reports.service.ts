import {
  decodeCursor,
  IdempotencyKeyReusedError,
  Page,
  requestFingerprint,
  requireIdempotencyKey,
  toPage,
} from '@cowork/service-kit';
import type { UserPrincipal } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { ReportingServiceConfig } from '../config.js';
import type { Report } from '../generated/prisma/client.js';
import { CreateReportDto } from './dto/create-report.dto.js';
import { ListReportsQuery } from './dto/report-queries.dto.js';
import { ReportDto } from './dto/report.dto.js';
import { reportRange } from './report-range.js';
import { ReportFailedError, ReportNotFoundError, ReportNotReadyError } from './reports.errors.js';
import { StoredReportsRepository } from './stored-reports.repository.js';

export interface ReportDownload {
  report: Report;
  contentType: string;
  fileName: string;
  /** the chunks in order, read from the database one at a time as the client takes them */
  body: Readable;
}

const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', json: 'application/json' } as const;

@Injectable()
export class StoredReportsService {
  constructor(
    private readonly reports: StoredReportsRepository,
    private readonly config: ReportingServiceConfig,
  ) {}

  /**
   * A new PENDING report for the generator. With an Idempotency-Key: the same admin, key and
   * request give back the report made the first time (created: false); another request under
   * the key is 422. Without one, every call makes a new report. A new report is recorded in the
   * audit trail (report.requested); a replay is not.
   */
  async create(
    admin: UserPrincipal,
    body: CreateReportDto,
    idempotencyKeyHeader: string | undefined,
  ): Promise<{ report: ReportDto; created: boolean }> {
    const idempotencyKey = idempotencyKeyHeader === undefined ? null : requireIdempotencyKey(idempotencyKeyHeader);
    const range = reportRange(
      body.from,
      body.to,
      this.config.REPORT_MAX_STORED_RANGE_DAYS,
      'REPORT_MAX_STORED_RANGE_DAYS',
    );
    const request = {
      type: body.type,
      format: body.format,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      groupBy: body.type === 'revenue' ? (body.groupBy ?? 'day') : null,
      workspaceId: body.workspaceId?.toLowerCase() ?? null,
    };
    const requestHash = requestFingerprint(request);
    const { report, created } = await this.reports.create({
      type: request.type,
      format: request.format,
      fromTime: range.from,
      toTime: range.to,
      groupBy: request.groupBy,
      workspaceId: request.workspaceId,
      createdBy: admin.userId,
      idempotencyKey,
      requestHash,
    });
    if (!created && report.requestHash !== requestHash) throw new IdempotencyKeyReusedError();
    return { report: ReportDto.from(report), created };
  }

  async list(query: ListReportsQuery): Promise<Page<ReportDto>> {
    const rows = await this.reports.list(
      { status: query.status, type: query.type },
      query.limit,
      decodeCursor(query.cursor),
    );
    return toPage(rows, query.limit, ReportDto.from);
  }

  async get(id: string): Promise<ReportDto> {
    return ReportDto.from(await this.find(id));
  }

  /** `actorId`: the admin, recorded in the audit trail with the deletion. */
  async delete(id: string, actorId: string): Promise<void> {
    if (!(await this.reports.delete(id, actorId))) throw new ReportNotFoundError(id);
  }

  /** A READY report's content as a stream of its chunks; 409 while it is not (yet) READY. */
  async download(id: string): Promise<ReportDownload> {
    const report = await this.find(id);
    if (report.status === 'FAILED') throw new ReportFailedError(id, report.error);
    if (report.status !== 'READY') throw new ReportNotReadyError(id, report.status);
    const day = (d: Date) => d.toISOString().slice(0, 10);
    const reports = this.reports;
    async function* chunks(): AsyncGenerator<Buffer> {
      for (let seq = -1; ;) {
        const chunk = await reports.nextChunk(id, seq);
        if (!chunk) return;
        seq = chunk.seq;
        yield Buffer.from(chunk.content, 'utf8');
      }
    }
    return {
      report,
      contentType: CONTENT_TYPES[report.format],
      fileName: `${report.type}-${day(report.fromTime)}-${day(report.toTime)}.${report.format}`,
      body: Readable.from(chunks(), { objectMode: false }),
    };
  }

  private async find(id: string): Promise<Report> {
    const report = await this.reports.findById(id);
    if (!report) throw new ReportNotFoundError(id);
    return report;
  }
}
