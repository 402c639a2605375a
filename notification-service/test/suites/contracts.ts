import { describeOpenApiContract, DocumentedRoute } from '@cowork/service-kit/testing';
import { fileURLToPath } from 'node:url';
import { NotificationServiceHarness } from '../support/harness.js';

const SCHEMA = fileURLToPath(new URL('../../prisma/schema.prisma', import.meta.url));
const OPENAPI = fileURLToPath(new URL('../../openapi.json', import.meta.url));

const ROUTES: DocumentedRoute[] = [
  { method: 'get', path: '/health/live', responses: [200, 400, 413, 500], auth: false },
  { method: 'get', path: '/health/ready', responses: [200, 400, 413, 500, 503], auth: false },
  { method: 'get', path: '/metrics', responses: [200, 400, 413, 500], auth: false },
  {
    method: 'get',
    path: '/notifications',
    responses: [200, 400, 401, 403, 413, 500],
    auth: true,
    ok: 'NotificationPageDto',
  },
  {
    method: 'post',
    path: '/notifications/read-all',
    responses: [200, 400, 401, 403, 413, 500],
    auth: true,
    ok: 'ReadAllResultDto',
  },
  {
    method: 'post',
    path: '/notifications/{id}/read',
    responses: [200, 400, 401, 403, 404, 413, 500],
    auth: true,
    ok: 'NotificationDto',
  },
  {
    method: 'get',
    path: '/notifications/preferences',
    responses: [200, 400, 401, 403, 413, 500],
    auth: true,
    ok: 'NotificationPreferencesDto',
  },
  {
    method: 'patch',
    path: '/notifications/preferences',
    responses: [200, 400, 401, 403, 413, 500],
    auth: true,
    ok: 'NotificationPreferencesDto',
  },
  {
    method: 'post',
    path: '/internal/events',
    responses: [200, 400, 401, 403, 413, 422, 500],
    auth: true,
    ok: 'EventReceiptDto',
  },
  {
    method: 'post',
    path: '/internal/events/batch',
    responses: [200, 400, 401, 403, 413, 500],
    auth: true,
    ok: 'EventBatchReceiptsDto',
  },
  {
    method: 'get',
    path: '/internal/outbox-mail',
    responses: [200, 400, 401, 403, 404, 413, 500],
    auth: true,
    ok: 'OutboxMailDto',
  },
];

export function contractsSuite(h: NotificationServiceHarness): void {
  describe('contracts: database schema and OpenAPI document', () => {
    it('schema.prisma agrees with the migrated database (every model, field, enum and unique index)', async () => {
      expect(await h.app.schemaDrift(SCHEMA)).toEqual([]);
    });

    it('records the applied migration the way Prisma does', async () => {
      const rows = await h.sql<{ migration_name: string; checksum: string }>(
        'SELECT migration_name, checksum FROM _prisma_migrations ORDER BY migration_name',
      );
      expect(rows.map((r) => r.migration_name)).toEqual(['20261125045000_init']);
      expect(rows[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
    });

    describe('CHECK constraints tie status and email fields to the channel', () => {
      const insert = (
        channel: string,
        status: string,
        extra: { recipient?: string; html?: string; sent?: boolean } = {},
      ) =>
        h.sql(
          `INSERT INTO notifications (id, user_id, event_id, booking_id, type, channel, status, title, body, html,
                                      recipient, next_attempt_at, sent_at, updated_at)
           VALUES (gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'BOOKING_CONFIRMED',
                   $1, $2, 'title', 'body', $3, $4, now(), $5, now())`,
          [channel, status, extra.html ?? null, extra.recipient ?? null, extra.sent ? new Date() : null],
        );
      const email = { recipient: 'ada@example.com', html: '<p>hi</p>' };

      it('accepts the shapes the service writes', async () => {
        await expect(insert('IN_APP', 'DELIVERED')).resolves.toBeDefined();
        await expect(insert('EMAIL', 'PENDING', email)).resolves.toBeDefined();
        await expect(insert('EMAIL', 'SENT', { ...email, sent: true })).resolves.toBeDefined();
      });

      it('refuses statuses of the other channel', async () => {
        await expect(insert('IN_APP', 'PENDING')).rejects.toThrow(/notifications_status_of_channel/);
        await expect(insert('EMAIL', 'DELIVERED', email)).rejects.toThrow(/notifications_status_of_channel/);
      });

      it('refuses an email without recipient or HTML, and an in-app notification with them', async () => {
        await expect(insert('EMAIL', 'PENDING', { html: '<p>hi</p>' })).rejects.toThrow(/notifications_email_fields/);
        await expect(insert('EMAIL', 'PENDING', { recipient: 'ada@example.com' })).rejects.toThrow(
          /notifications_email_fields/,
        );
        await expect(insert('IN_APP', 'DELIVERED', email)).rejects.toThrow(/notifications_email_fields/);
      });

      it('refuses SENT without sent_at and sent_at without SENT', async () => {
        await expect(insert('EMAIL', 'SENT', email)).rejects.toThrow(/notifications_sent_at_when_sent/);
        await expect(insert('EMAIL', 'PENDING', { ...email, sent: true })).rejects.toThrow(
          /notifications_sent_at_when_sent/,
        );
      });

      it('refuses a second notification of one event on one channel', async () => {
        const [row] = await h.sql<{ event_id: string }>(
          "SELECT event_id FROM notifications WHERE channel = 'IN_APP' LIMIT 1",
        );
        await expect(
          h.sql(
            `INSERT INTO notifications (id, user_id, event_id, booking_id, type, channel, status, title, body, updated_at)
             VALUES (gen_random_uuid(), gen_random_uuid(), $1, gen_random_uuid(), 'BOOKING_CONFIRMED', 'IN_APP',
                     'DELIVERED', 'title', 'body', now())`,
            [row!.event_id],
          ),
        ).rejects.toThrow(/notifications_event_id_channel_key/);
      });
    });

    describeOpenApiContract(() => h.app, ROUTES, { openApiFile: OPENAPI, requireRetryNote: true });
  });
}
