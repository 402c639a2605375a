import { describeOpenApiContract, DocumentedRoute, findSchemaDrift } from '@cowork/service-kit/testing';
import { DatabaseConnection } from '@cowork/service-kit';
import { fileURLToPath } from 'node:url';
import { ReportingServiceHarness } from '../support/harness.js';

const SCHEMA = fileURLToPath(new URL('../../prisma/schema.prisma', import.meta.url));
const OPENAPI = fileURLToPath(new URL('../../openapi.json', import.meta.url));

const COMMON = [400, 413, 500];
const ADMIN = [...COMMON, 401, 403];
const ROUTES: DocumentedRoute[] = [
  { method: 'get', path: '/health/live', responses: [200, ...COMMON], auth: false },
  { method: 'get', path: '/health/ready', responses: [200, ...COMMON, 503], auth: false },
  { method: 'get', path: '/metrics', responses: [200, ...COMMON], auth: false },
  { method: 'post', path: '/internal/events', responses: [200, ...ADMIN, 422], auth: true, ok: 'EventReceiptDto' },
  {
    method: 'post',
    path: '/internal/events/batch',
    responses: [200, ...ADMIN],
    auth: true,
    ok: 'EventBatchReceiptsDto',
  },
  { method: 'get', path: '/reports/summary', responses: [200, ...ADMIN], auth: true, ok: 'SummaryDto' },
  { method: 'get', path: '/reports/occupancy', responses: [200, ...ADMIN], auth: true, ok: 'OccupancyDto' },
  { method: 'get', path: '/reports/occupancy.svg', responses: [200, ...ADMIN], auth: true },
  { method: 'get', path: '/reports/revenue', responses: [200, ...ADMIN], auth: true, ok: 'RevenueDto' },
  { method: 'post', path: '/reports', responses: [200, 202, ...ADMIN, 422], auth: true, ok: 'ReportDto' },
  { method: 'get', path: '/reports', responses: [200, ...ADMIN], auth: true, ok: 'ReportPageDto' },
  { method: 'get', path: '/reports/{id}', responses: [200, ...ADMIN, 404], auth: true, ok: 'ReportDto' },
  { method: 'get', path: '/reports/{id}/download', responses: [200, ...ADMIN, 404, 409], auth: true },
  { method: 'delete', path: '/reports/{id}', responses: [204, ...ADMIN, 404], auth: true },
  { method: 'get', path: '/internal/audit-entries', responses: [200, ...ADMIN], auth: true, ok: 'AuditEntryPageDto' },
];

export function contractsSuite(h: ReportingServiceHarness): void {
  describe('contracts: database schema and OpenAPI document', () => {
    it('schema.prisma agrees with the migrated database (every model, field, enum and unique index)', async () => {
      const session = await h.app.app.get(DatabaseConnection).session();
      try {
        expect(await findSchemaDrift(SCHEMA, session)).toEqual([]);
      } finally {
        await session.release();
      }
    });

    it('records the applied migrations the way Prisma does', async () => {
      const rows = await h.sql<{ migration_name: string; checksum: string }>(
        'SELECT migration_name, checksum FROM _prisma_migrations ORDER BY migration_name',
      );
      expect(rows.map((r) => r.migration_name)).toEqual(['20261125045000_init', '20261125050000_audit_entries']);
      expect(rows[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
    });

    it('CHECK constraints keep the read model and the reports sane', async () => {
      const booking = (start: string, end: string, paid: number, currency = 'EUR') =>
        h.sql(
          `INSERT INTO report_bookings (booking_id, user_id, workspace_id, status, start_time, end_time, attendees,
                                        price_cents, currency, paid_cents, booking_created_at, last_sequence, updated_at)
           VALUES (gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'CONFIRMED', $1, $2, 1, 100, $4, $3, now(), 1, now())`,
          [start, end, paid, currency],
        );
      await expect(booking('2031-01-01T10:00Z', '2031-01-01T10:00Z', 0)).rejects.toThrow(/report_bookings_range/);
      await expect(booking('2031-01-01T10:00Z', '2031-01-01T11:00Z', -1)).rejects.toThrow(
        /report_bookings_money_non_negative/,
      );
      await expect(booking('2031-01-01T10:00Z', '2031-01-01T11:00Z', 0, 'eur')).rejects.toThrow(
        /report_bookings_currency_code/,
      );
      await expect(
        h.sql(
          `INSERT INTO money_movements (event_id, booking_id, workspace_id, currency, amount_cents, occurred_at, event_type)
           VALUES (gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'EUR', 0, now(), 'booking.confirmed')`,
        ),
      ).rejects.toThrow(/money_movements_amount_non_zero/);
      const report = (status: string, groupBy: string | null) =>
        h.sql(
          `INSERT INTO reports (id, type, format, status, from_time, to_time, group_by, created_by, request_hash, updated_at)
           VALUES (gen_random_uuid(), 'summary', 'csv', $1, now(), now() + interval '1 day', $2, gen_random_uuid(), $3, now())`,
          [status, groupBy, 'a'.repeat(64)],
        );
      await expect(report('GENERATING', null)).rejects.toThrow(/reports_lease_while_generating/);
      await expect(report('READY', null)).rejects.toThrow(/reports_result_when_ready/);
      await expect(report('PENDING', 'day')).rejects.toThrow(/reports_group_by_revenue_only/);
    });

    describeOpenApiContract(() => h.app, ROUTES, { openApiFile: OPENAPI, requireRetryNote: true });
  });
}
