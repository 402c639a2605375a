import { DatabaseConnection } from '@cowork/service-kit';
import { describeOpenApiContract, DocumentedRoute, findSchemaDrift } from '@cowork/service-kit/testing';
import { fileURLToPath } from 'node:url';
import { PaymentServiceHarness } from '../support/harness.js';

const SCHEMA = fileURLToPath(new URL('../../prisma/schema.prisma', import.meta.url));
const OPENAPI = fileURLToPath(new URL('../../openapi.json', import.meta.url));

const ROUTES: DocumentedRoute[] = [
  { method: 'get', path: '/health/live', responses: [200, 400, 413, 500], auth: false },
  { method: 'get', path: '/health/ready', responses: [200, 400, 413, 500, 503], auth: false },
  { method: 'get', path: '/metrics', responses: [200, 400, 413, 500], auth: false },
  { method: 'get', path: '/payments', responses: [200, 400, 401, 403, 413, 500], auth: true, ok: 'PaymentPageDto' },
  {
    method: 'get',
    path: '/payments/{id}',
    responses: [200, 400, 401, 403, 404, 413, 500],
    auth: true,
    ok: 'PaymentDto',
  },
  {
    method: 'post',
    path: '/internal/charges',
    responses: [201, 400, 401, 402, 403, 409, 413, 422, 500, 503],
    auth: true,
    ok: 'PaymentDto',
  },
  {
    method: 'post',
    path: '/internal/bookings/{bookingId}/refunds',
    responses: [201, 400, 401, 403, 409, 413, 422, 500, 503],
    auth: true,
    ok: 'RefundResultDto',
  },
  {
    method: 'get',
    path: '/internal/bookings/{bookingId}/payments',
    responses: [200, 400, 401, 403, 413, 500],
    auth: true,
    ok: 'BookingPaymentsDto',
  },
];

export function contractsSuite(h: PaymentServiceHarness): void {
  describe('contracts: database schema and OpenAPI document', () => {
    it('schema.prisma agrees with the migrated database (every model, field, enum and unique index)', async () => {
      const session = await h.app.app.get(DatabaseConnection).session();
      try {
        expect(await findSchemaDrift(SCHEMA, session)).toEqual([]);
      } finally {
        await session.release();
      }
    });

    it('records the applied migration the way Prisma does', async () => {
      const rows = await h.sql<{ migration_name: string; checksum: string }>(
        'SELECT migration_name, checksum FROM _prisma_migrations ORDER BY migration_name',
      );
      expect(rows.map((r) => r.migration_name)).toEqual(['20261125030000_init', '20261126000000_charge_recovery']);
      expect(rows[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
    });

    it('the CHECK constraints hold money in range', async () => {
      const insert = (amount: number, refunded: number) =>
        h.sql(
          `INSERT INTO payments (id, booking_id, user_id, amount_cents, currency, status, refunded_cents, provider,
                                 provider_idempotency_key, payment_method, updated_at)
           VALUES (gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), $1, 'EUR', 'SUCCEEDED', $2, 'simulated',
                   gen_random_uuid()::text, 'pm_card_visa', now())`,
          [amount, refunded],
        );
      await expect(insert(0, 0)).rejects.toThrow(/payments_amount_positive/);
      await expect(insert(100, 101)).rejects.toThrow(/payments_refunded_within_amount/);
      await expect(insert(100, -1)).rejects.toThrow(/payments_refunded_within_amount/);
    });

    describeOpenApiContract(() => h.app, ROUTES, {
      openApiFile: OPENAPI,
      // no requireRetryNote: POST /internal/charges says "a replay answers the same 402", not what a retry does
      // every POST takes an Idempotency-Key
      eachRoute: (op, route) => {
        if (route.method === 'post') {
          expect(op.parameters).toEqual(
            expect.arrayContaining([
              expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true }),
            ]),
          );
        }
      },
    });
  });
}
