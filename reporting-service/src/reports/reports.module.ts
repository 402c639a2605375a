import { Module } from '@nestjs/common';
import { AnalyticsRepository } from './analytics.repository.js';
import { AnalyticsService } from './analytics.service.js';
import { LiveReportsController } from './live-reports.controller.js';
import { ReportGenerator } from './report-generator.js';
import { StoredReportsController } from './stored-reports.controller.js';
import { StoredReportsRepository } from './stored-reports.repository.js';
import { StoredReportsService } from './stored-reports.service.js';

@Module({
  // the live controller first: its static paths (summary, occupancy, ...) must not be read as :id
  controllers: [LiveReportsController, StoredReportsController],
  providers: [AnalyticsRepository, AnalyticsService, StoredReportsRepository, StoredReportsService, ReportGenerator],
})
export class ReportsModule {}
