import { Module } from '@nestjs/common';
import { AuditLogModule } from '../audit/audit-log.module.js';
import { InternalSettingsController, SettingsController } from './settings.controller.js';
import { SettingsRepository } from './settings.repository.js';
import { SettingsService } from './settings.service.js';

@Module({
  imports: [AuditLogModule],
  controllers: [SettingsController, InternalSettingsController],
  providers: [SettingsService, SettingsRepository],
})
export class SettingsModule {}
