import { Module } from '@nestjs/common';
import { AuditEntriesController } from './audit-entries.controller.js';

/** Serves this service's audit_entries to admin-service (GET /internal/audit-entries). */
@Module({ controllers: [AuditEntriesController] })
export class AuditModule {}
