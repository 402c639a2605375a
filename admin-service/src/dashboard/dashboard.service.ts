import { instantRange, ValidationFailedError } from '@cowork/service-kit';
import { Injectable, Logger } from '@nestjs/common';
import { ReportingClient } from '../clients/reporting.client.js';
import { UserClient } from '../clients/user.client.js';
import { DashboardDto, DashboardQuery, UserStatsDto } from './dto/dashboard.dto.js';

/** The longest period a dashboard covers (a leap year). */
export const MAX_DASHBOARD_DAYS = 366;

@Injectable()
export class DashboardService {
  private readonly logger = new Logger(DashboardService.name);

  constructor(
    private readonly users: UserClient,
    private readonly reporting: ReportingClient,
  ) {}

  /**
   * The three parts in parallel; a part that fails (down, timeout, 5xx, refused) is null and named
   * in `missing`, so the dashboard always answers with what it could get.
   */
  async dashboard(query: DashboardQuery, adminToken: string): Promise<DashboardDto> {
    const { from, to } = instantRange(query.from, query.to, {
      maxDays: MAX_DASHBOARD_DAYS,
      tooLong: () => ValidationFailedError.forField('to', `the period must be at most ${MAX_DASHBOARD_DAYS} days`),
    });
    const [fromIso, toIso] = [from.toISOString(), to.toISOString()];
    const missing: string[] = [];
    const part = async <T>(name: string, fetch: () => Promise<T>): Promise<T | null> => {
      try {
        return await fetch();
      } catch (error) {
        this.logger.warn(`dashboard part ${name} missing: ${(error as Error).message}`);
        missing.push(name);
        return null;
      }
    };
    const [users, summary, occupancy] = await Promise.all([
      part('user-service: stats', () => this.users.stats()),
      part('reporting-service: summary', () => this.reporting.summary(fromIso, toIso, adminToken)),
      part('reporting-service: occupancy', () => this.reporting.occupancy(fromIso, toIso, adminToken)),
    ]);
    return {
      from: fromIso,
      to: toIso,
      users: users ? UserStatsDto.from(users) : null,
      summary,
      occupancy,
      missing: missing.sort(),
    };
  }
}
