import { describeOpenApiContract, DocumentedRoute } from '@cowork/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WORKSPACE_FIELDS, WorkspaceServiceHarness } from './support/harness.js';

const SCHEMA = fileURLToPath(new URL('../prisma/schema.prisma', import.meta.url));
const OPENAPI = fileURLToPath(new URL('../openapi.json', import.meta.url));

/**
 * Every route the service serves, with every status it can answer. 400 and 500 are global
 * (malformed input, unexpected errors); 401/403 come from the auth decorators.
 */
const ROUTES: DocumentedRoute[] = [
  { method: 'get', path: '/health/live', responses: [200, 400, 413, 500], auth: false },
  { method: 'get', path: '/health/ready', responses: [200, 400, 413, 500, 503], auth: false },
  { method: 'get', path: '/metrics', responses: [200, 400, 413, 500], auth: false },
  { method: 'post', path: '/workspaces', responses: [201, 400, 401, 403, 413, 500], auth: true, ok: 'WorkspaceDto' },
  { method: 'get', path: '/workspaces', responses: [200, 400, 413, 500], auth: false, ok: 'WorkspacePageDto' },
  { method: 'get', path: '/workspaces/{id}', responses: [200, 400, 404, 413, 500], auth: false, ok: 'WorkspaceDto' },
  {
    method: 'patch',
    path: '/workspaces/{id}',
    responses: [200, 400, 401, 403, 404, 409, 413, 500],
    auth: true,
    ok: 'WorkspaceDto',
  },
  {
    method: 'post',
    path: '/workspaces/{id}/deactivate',
    responses: [200, 400, 401, 403, 404, 413, 500],
    auth: true,
    ok: 'WorkspaceDto',
  },
  {
    method: 'post',
    path: '/workspaces/{id}/activate',
    responses: [200, 400, 401, 403, 404, 413, 500],
    auth: true,
    ok: 'WorkspaceDto',
  },
  {
    method: 'get',
    path: '/internal/audit-entries',
    responses: [200, 400, 401, 403, 413, 500],
    auth: true,
    ok: 'AuditEntryPageDto',
  },
];

describe('contracts: database schema and OpenAPI document', () => {
  let h: WorkspaceServiceHarness;

  beforeAll(async () => {
    h = await WorkspaceServiceHarness.start();
  });
  afterAll(async () => {
    await h?.close();
  });

  const drift = (schemaFile: string) => h.app.schemaDrift(schemaFile);

  describe('schema.prisma and the migrations', () => {
    it('agree: every model, field, enum and unique index exists in the freshly migrated database', async () => {
      expect(await drift(SCHEMA)).toEqual([]);
    });

    it('would be caught disagreeing (a field, an enum value and a unique index the migrations lack)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'workspace-service-drift-'));
      try {
        const changed = readFileSync(SCHEMA, 'utf8')
          .replace('  PRIVATE_OFFICE\n', '  PRIVATE_OFFICE\n  PHONE_BOOTH\n')
          .replace('  @@map("workspaces")', '  slug String? @unique\n\n  @@map("workspaces")');
        const file = join(dir, 'schema.prisma');
        writeFileSync(file, changed);
        expect(await drift(file)).toEqual(
          expect.arrayContaining([
            expect.stringContaining('"workspaces"."slug" does not exist'),
            expect.stringContaining('WorkspaceType lacks value PHONE_BOOTH'),
            expect.stringMatching(/slug @unique: no unique index/),
          ]),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('records the applied migrations the way Prisma does', async () => {
      const rows = await h.sql<{ migration_name: string; finished_at: unknown; checksum: string }>(
        'SELECT migration_name, finished_at, checksum FROM _prisma_migrations ORDER BY migration_name',
      );
      expect(rows.map((r) => r.migration_name)).toEqual(['20261125010000_init', '20261125050000_audit_entries']);
      expect(rows[0]!.finished_at).not.toBeNull();
      expect(rows[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
    });

    it('has the indexes the list filters and the keyset order use', async () => {
      const rows = await h.sql<{ indexname: string }>(
        `SELECT indexname FROM pg_indexes WHERE tablename = 'workspaces' ORDER BY indexname`,
      );
      expect(rows.map((r) => r.indexname)).toEqual([
        'workspaces_active_capacity_idx',
        'workspaces_active_created_at_id_idx',
        'workspaces_created_at_id_idx',
        'workspaces_pkey',
        'workspaces_type_active_created_at_id_idx',
      ]);
    });

    describe('CHECK constraints hold even for writes that bypass the service', () => {
      const insert = (overrides: Record<string, string>) => {
        const values: Record<string, string> = {
          id: `'${randomUUID()}'`,
          name: `'Raw'`,
          type: `'DESK'`,
          capacity: '1',
          hourly_rate_cents: '0',
          currency: `'EUR'`,
          timezone: `'UTC'`,
          opening_hours: 'NULL',
          min_booking_minutes: '30',
          max_booking_minutes: '60',
          updated_at: 'now()',
          ...overrides,
        };
        return h.sql(
          `INSERT INTO workspaces (${Object.keys(values).join(', ')}) VALUES (${Object.values(values).join(', ')})`,
        );
      };

      it('accepts a valid row', async () => {
        await expect(insert({})).resolves.toEqual([]);
      });

      it.each<[string, Record<string, string>, string]>([
        ['capacity 0', { capacity: '0' }, 'workspaces_capacity_check'],
        ['a negative price', { hourly_rate_cents: '-1' }, 'workspaces_hourly_rate_cents_check'],
        ['a lower-case currency', { currency: `'eur'` }, 'workspaces_currency_check'],
        [
          'minBookingMinutes 0',
          { min_booking_minutes: '0', max_booking_minutes: '10' },
          'workspaces_min_booking_minutes_check',
        ],
        [
          'max below min',
          { min_booking_minutes: '60', max_booking_minutes: '30' },
          'workspaces_max_booking_minutes_check',
        ],
        [
          'opening hours that are not a list',
          { opening_hours: `'{"day":1}'::jsonb` },
          'workspaces_opening_hours_check',
        ],
        ['version 0', { version: '0' }, 'workspaces_version_check'],
      ])('refuses %s', async (_what, overrides, constraint) => {
        await expect(insert(overrides)).rejects.toThrow(constraint);
      });
    });
  });

  describe('openapi.json', () => {
    describeOpenApiContract(() => h.app, ROUTES, { openApiFile: OPENAPI, requireRetryNote: true });

    it('documents the workspace exactly as booking-service reads it', () => {
      const schemas = h.app.openApi.components!.schemas as Record<string, any>;
      const workspace = schemas.WorkspaceDto;
      expect([...workspace.required].sort()).toEqual(WORKSPACE_FIELDS);
      expect(Object.keys(workspace.properties).sort()).toEqual(WORKSPACE_FIELDS);
      expect(workspace.properties.description).toMatchObject({ type: 'string', nullable: true });
      expect(workspace.properties.openingHours).toMatchObject({
        type: 'array',
        nullable: true,
        items: { $ref: '#/components/schemas/OpeningRangeDto' },
      });
      expect(schemas.OpeningRangeDto.required.sort()).toEqual(['close', 'day', 'open']);
      expect(schemas.WorkspaceType.enum).toEqual(['DESK', 'MEETING_ROOM', 'PRIVATE_OFFICE']);
      expect(schemas.CreateWorkspaceDto.required.sort()).toEqual([
        'capacity',
        'currency',
        'hourlyRateCents',
        'name',
        'timezone',
        'type',
      ]);
      expect(schemas.UpdateWorkspaceDto.required ?? []).toEqual([]);
      expect(Object.keys(schemas.UpdateWorkspaceDto.properties)).not.toContain('active');
      const list = (h.app.openApi.paths['/workspaces'] as Record<string, any>).get;
      expect(list.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
        'active',
        'cursor',
        'limit',
        'minCapacity',
        'type',
      ]);
    });

    it('is served at /api/docs-json exactly as generated, with the Swagger UI at /api/docs', async () => {
      const res = await h.app.get('/api/docs-json');
      expect(res.status).toBe(200);
      expect(res.body).toEqual(JSON.parse(JSON.stringify(h.app.openApi)));
      const ui = await h.app.get('/api/docs');
      expect(ui.status).toBe(200);
      expect(ui.text).toContain('swagger');
    });
  });
});
