import { ServiceClient, ServiceClientFactory } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { AdminServiceConfig } from '../config.js';

/** A report as reporting-service answers it; passed through as it is. */
export type Report = Record<string, unknown>;

/** reporting-service: the dashboard's reports, read with the admin's own token. */
@Injectable()
export class ReportingClient {
  private readonly http: ServiceClient;

  constructor(factory: ServiceClientFactory, config: AdminServiceConfig) {
    this.http = factory.create({ name: 'reporting-service', baseUrl: config.REPORTING_SERVICE_URL });
  }

  summary(from: string, to: string, adminToken: string): Promise<Report> {
    return this.http.get<Report>('/reports/summary', { query: { from, to }, onBehalfOf: adminToken });
  }

  occupancy(from: string, to: string, adminToken: string): Promise<Report> {
    return this.http.get<Report>('/reports/occupancy', { query: { from, to }, onBehalfOf: adminToken });
  }
}
