import { Module } from '@nestjs/common';
import { AuditCollector } from './audit-collector.js';
import { AuditController } from './audit.controller.js';
import { AuditLogRepository } from './audit-log.repository.js';
import { AuditService } from './audit.service.js';

@Module({
  controllers: [AuditController],
  providers: [AuditLogRepository, AuditService, AuditCollector],
  exports: [AuditLogRepository],
})
export class AuditLogModule {}
