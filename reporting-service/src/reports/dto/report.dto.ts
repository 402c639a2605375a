import { ApiProperty } from '@nestjs/swagger';
import type { Report } from '../../generated/prisma/client.js';
import { ReportFormat, ReportStatus, ReportType, RevenuePeriod } from '../../generated/prisma/enums.js';

export class ReportDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ enum: ReportType, enumName: 'ReportType' })
  type: ReportType;
  @ApiProperty({ enum: ReportFormat, enumName: 'ReportFormat' })
  format: ReportFormat;
  @ApiProperty({
    enum: ReportStatus,
    enumName: 'ReportStatus',
    description:
      'PENDING: waiting for the generator; GENERATING: being written; READY: download it; FAILED: see error ' +
      '(final: ask for a new report)',
  })
  status: ReportStatus;
  @ApiProperty({ format: 'date-time', description: 'Start of the range, inclusive' })
  from: string;
  @ApiProperty({ format: 'date-time', description: 'End of the range, exclusive' })
  to: string;
  @ApiProperty({ enum: RevenuePeriod, enumName: 'RevenuePeriod', nullable: true, description: 'revenue only' })
  groupBy: RevenuePeriod | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'occupancy and bookings: one workspace' })
  workspaceId: string | null;
  @ApiProperty({ format: 'uuid', description: 'The admin who asked for it' })
  createdBy: string;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'Rows of data (CSV lines after the header, JSON items; a summary counts 1 in JSON); set when READY',
  })
  rowCount: number | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Size of the download in bytes; set when READY' })
  byteSize: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why it FAILED' })
  error: string | null;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When READY or FAILED' })
  completedAt: string | null;
  @ApiProperty({ example: '/reports/0b8c7a52-6f0e-4a8e-9a55-2f1c3c0d9e11/download' })
  downloadPath: string;

  static from(row: Report): ReportDto {
    return {
      id: row.id,
      type: row.type,
      format: row.format,
      status: row.status,
      from: row.fromTime.toISOString(),
      to: row.toTime.toISOString(),
      groupBy: row.groupBy,
      workspaceId: row.workspaceId,
      createdBy: row.createdBy,
      rowCount: row.rowCount,
      byteSize: row.byteSize === null ? null : Number(row.byteSize),
      error: row.error,
      createdAt: row.createdAt.toISOString(),
      completedAt: row.completedAt?.toISOString() ?? null,
      downloadPath: `/reports/${row.id}/download`,
    };
  }
}

export class ReportPageDto {
  @ApiProperty({ type: [ReportDto] })
  items: ReportDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  nextCursor: string | null;
}
