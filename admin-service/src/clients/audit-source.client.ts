import { ServiceClient, ServiceClientFactory } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { AdminServiceConfig, auditSources } from '../config.js';

/** One page of a source's `GET /internal/audit-entries`, unvalidated (the collector validates it). */
export interface AuditEntriesPage {
  items: unknown[];
  nextAfter: unknown;
}

export interface AuditSource {
  name: string;
  /** entries with a sequence above `after`, ascending, at most `limit` */
  entries(after: number, limit: number): Promise<AuditEntriesPage>;
}

/** The services the audit collector reads (AUDIT_SOURCES), each with its own client and breaker. */
@Injectable()
export class AuditSources {
  readonly all: readonly AuditSource[];

  constructor(factory: ServiceClientFactory, config: AdminServiceConfig) {
    this.all = auditSources(config).map(({ name, baseUrl }) => {
      // no client-level retry: a source that fails is skipped and read again next round
      const client: ServiceClient = factory.create({ name, baseUrl, retries: 0 });
      return {
        name,
        entries: (after, limit) => client.get<AuditEntriesPage>('/internal/audit-entries', { query: { after, limit } }),
      };
    });
  }
}
