import { BaseServiceConfig, EnvList } from '@cowork/service-kit';
import { Type } from 'class-transformer';
import { IsInt, IsUrl, Matches, Max, Min, ValidateBy } from 'class-validator';

/** An AUDIT_SOURCES entry: `name=url`, e.g. `user-service=http://localhost:3001`. */
export const AUDIT_SOURCE_ENTRY = /^([a-z][a-z0-9-]{0,63})=(https?:\/\/\S+)$/;

/** The source name admin-service writes its own audit entries under; no collected source may use it. */
export const OWN_AUDIT_SOURCE = 'admin-service';

export class AdminServiceConfig extends BaseServiceConfig {
  override PORT = 3007;

  /** user-service: users (on behalf of the admin) and their statistics (service token). */
  @IsUrl({ require_tld: false, require_protocol: true })
  USER_SERVICE_URL = 'http://localhost:3001';

  /**
   * workspace-service. Reserved: no admin endpoint calls it yet (workspaces are administered on
   * workspace-service itself); its audit entries come through AUDIT_SOURCES.
   */
  @IsUrl({ require_tld: false, require_protocol: true })
  WORKSPACE_SERVICE_URL = 'http://localhost:3002';

  /** booking-service: booking counts per user (service token). */
  @IsUrl({ require_tld: false, require_protocol: true })
  BOOKING_SERVICE_URL = 'http://localhost:3003';

  /** reporting-service: the dashboard's summary and occupancy (on behalf of the admin). */
  @IsUrl({ require_tld: false, require_protocol: true })
  REPORTING_SERVICE_URL = 'http://localhost:3006';

  /**
   * The services whose audit entries are collected: comma-separated `name=url`
   * (GET <url>/internal/audit-entries with a service token). AUDIT_POLL_INTERVAL_MS=0 stops collecting.
   */
  @EnvList()
  @Matches(AUDIT_SOURCE_ENTRY, { each: true, message: 'each AUDIT_SOURCES entry must be name=http(s)://host:port' })
  @ValidateBy({
    name: 'distinctAuditSources',
    validator: {
      validate: (value) => {
        if (!Array.isArray(value)) return true;
        const names = value.map((entry) => String(entry).split('=')[0]);
        return new Set(names).size === names.length && !names.includes(OWN_AUDIT_SOURCE);
      },
      defaultMessage: () => `AUDIT_SOURCES names must be distinct and must not be ${OWN_AUDIT_SOURCE}`,
    },
  })
  AUDIT_SOURCES: string[] = [
    'user-service=http://localhost:3001',
    'workspace-service=http://localhost:3002',
    'booking-service=http://localhost:3003',
    'reporting-service=http://localhost:3006',
  ];

  /** How often the collector pulls every audit source; 0 turns it off. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  AUDIT_POLL_INTERVAL_MS = 2000;

  /** Entries asked of a source per page (the sources answer at most 500). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  AUDIT_PAGE_SIZE = 100;
}

/** AUDIT_SOURCES as (name, base URL) pairs. */
export function auditSources(config: AdminServiceConfig): { name: string; baseUrl: string }[] {
  return config.AUDIT_SOURCES.map((entry) => {
    const [, name, baseUrl] = AUDIT_SOURCE_ENTRY.exec(entry)!;
    return { name: name!, baseUrl: baseUrl! };
  });
}
