import { DatabaseConnection } from '@cowork/service-kit';
import { findSchemaDrift, openApiDrift } from '@cowork/service-kit/testing';
import { fileURLToPath } from 'node:url';
import { PaymentServiceHarness } from '../support/harness.js';

const SCHEMA = fileURLToPath(new URL('../../prisma/schema.prisma', import.meta.url));
const OPENAPI = fileURLToPath(new URL('../../openapi.json', import.meta.url));

interface DocOperation {
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
  security?: unknown;
  parameters?: { name: string; in: string; required?: boolean; schema?: Record<string, unknown> }[];
}

const ROUTES: { method: string; path: string; responses: number[]; auth: boolean; ok?: string }[] = [
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

    it('openapi.json is committed and matches the code (else: npm run build && npm run openapi)', () => {
      expect(openApiDrift(h.app.openApi, OPENAPI)).toBeUndefined();
    });

    it('documents exactly the routes the service serves', () => {
      const documented = Object.entries(h.app.openApi.paths).flatMap(([path, item]) =>
        Object.keys(item as object).map((method) => `${method.toUpperCase()} ${path}`),
      );
      expect(documented.sort()).toEqual(ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort());
    });

    it.each(ROUTES)('documents $method $path with its responses, security and schemas', (route) => {
      const op = (h.app.openApi.paths[route.path] as unknown as Record<string, DocOperation>)[route.method]!;
      expect(Object.keys(op.responses).map(Number).sort()).toEqual([...route.responses].sort());
      if (route.auth) expect(op.security).toEqual([{ bearer: [] }]);
      else expect(op.security).toBeUndefined();
      if (route.ok) {
        const success = op.responses[route.responses.find((s) => s < 300)!];
        expect(success?.content?.['application/json']?.schema?.$ref).toBe(`#/components/schemas/${route.ok}`);
      }
      for (const status of route.responses.filter((s) => s >= 400 && s !== 401 && s !== 403 && route.auth)) {
        expect(op.responses[status]?.content?.['application/problem+json']?.schema?.$ref).toBe(
          '#/components/schemas/ProblemDto',
        );
      }
      if (route.method === 'post') {
        expect(op.parameters).toEqual(
          expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true })]),
        );
      }
    });
  });
}
