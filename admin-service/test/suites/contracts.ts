import { describeOpenApiContract, DocumentedRoute } from '@cowork/service-kit/testing';
import { fileURLToPath } from 'node:url';
import { AdminServiceHarness } from '../support/harness.js';

const SCHEMA = fileURLToPath(new URL('../../prisma/schema.prisma', import.meta.url));
const OPENAPI = fileURLToPath(new URL('../../openapi.json', import.meta.url));

/** Every route with the statuses it documents (400, 413 and 500 are global). */
const ROUTES: DocumentedRoute[] = [
  { method: 'get', path: '/health/live', responses: [200, 400, 413, 500], auth: false },
  { method: 'get', path: '/health/ready', responses: [200, 400, 413, 500, 503], auth: false },
  { method: 'get', path: '/metrics', responses: [200, 400, 413, 500], auth: false },
  {
    method: 'get',
    path: '/admin/users',
    responses: [200, 400, 401, 403, 413, 500, 503],
    auth: true,
    ok: 'AdminUserPageDto',
  },
  {
    method: 'post',
    path: '/admin/users/{id}/suspend',
    responses: [200, 400, 401, 403, 404, 409, 413, 500, 503],
    auth: true,
    ok: 'SuspensionDto',
  },
  {
    method: 'post',
    path: '/admin/users/{id}/reactivate',
    responses: [200, 400, 401, 403, 404, 413, 500, 503],
    auth: true,
    ok: 'UserDto',
  },
  {
    method: 'post',
    path: '/admin/users/{id}/promote',
    responses: [200, 400, 401, 403, 404, 413, 500, 503],
    auth: true,
    ok: 'UserDto',
  },
  {
    method: 'post',
    path: '/admin/users/{id}/demote',
    responses: [200, 400, 401, 403, 404, 409, 413, 500, 503],
    auth: true,
    ok: 'UserDto',
  },
  { method: 'get', path: '/admin/settings', responses: [200, 400, 401, 403, 413, 500], auth: true, ok: 'SettingsDto' },
  {
    method: 'patch',
    path: '/admin/settings',
    responses: [200, 400, 401, 403, 412, 413, 500],
    auth: true,
    ok: 'SettingsDto',
  },
  {
    method: 'get',
    path: '/internal/settings',
    responses: [200, 400, 401, 403, 413, 500],
    auth: true,
    ok: 'InternalSettingsDto',
  },
  {
    method: 'get',
    path: '/admin/dashboard',
    responses: [200, 400, 401, 403, 413, 500],
    auth: true,
    ok: 'DashboardDto',
  },
  { method: 'get', path: '/admin/audit', responses: [200, 400, 401, 403, 413, 500], auth: true, ok: 'AuditLogPageDto' },
];

export function contractsSuite(h: AdminServiceHarness): void {
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

    describeOpenApiContract(() => h.app, ROUTES, { openApiFile: OPENAPI, requireRetryNote: true });
  });
}
