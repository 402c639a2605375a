import { openApiDrift } from '@cowork/service-kit/testing';
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
const ROUTES: { method: string; path: string; responses: number[]; auth: boolean; ok?: string }[] = [
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
    it('is committed and matches what the code generates (else: npm run build && npm run openapi)', () => {
      expect(openApiDrift(h.app.openApi, OPENAPI)).toBeUndefined();
    });

    it('lists exactly the routes the service serves', () => {
      const documented = Object.entries(h.app.openApi.paths).flatMap(([path, item]) =>
        Object.keys(item as object).map((method) => `${method.toUpperCase()} ${path}`),
      );
      expect(documented.sort()).toEqual(ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort());
      const fastify = h.app.app.getHttpAdapter().getInstance();
      for (const r of ROUTES) {
        const url = r.path.replace('{id}', ':id');
        expect({
          route: `${r.method} ${url}`,
          served: fastify.hasRoute({ method: r.method.toUpperCase() as 'GET', url }),
        }).toEqual({ route: `${r.method} ${url}`, served: true });
      }
    });

    it.each(ROUTES)('documents $method $path with its responses, security and body schema', (route) => {
      const op = (h.app.openApi.paths[route.path] as Record<string, any>)[route.method];
      expect(Object.keys(op.responses).map(Number).sort()).toEqual([...route.responses].sort());
      if (route.auth) expect(op.security).toEqual([{ bearer: [] }]);
      else expect(op.security).toBeUndefined();
      if (route.ok) {
        const success = op.responses[route.responses.find((s) => s < 300)!];
        expect(success.content['application/json'].schema.$ref).toBe(`#/components/schemas/${route.ok}`);
      }
      for (const status of [400, 404, 409, 500].filter((s) => route.responses.includes(s))) {
        expect(op.responses[status].content?.['application/problem+json']?.schema?.$ref).toBe(
          '#/components/schemas/ProblemDto',
        );
      }
      for (const param of op.parameters ?? []) {
        if (param.in === 'path') expect(param.schema).toMatchObject({ type: 'string', format: 'uuid' });
      }
    });

    it('says what a retry does on every endpoint that changes something', () => {
      for (const route of ROUTES.filter((r) => r.method !== 'get')) {
        const op = (h.app.openApi.paths[route.path] as Record<string, any>)[route.method];
        expect({ route: `${route.method} ${route.path}`, mentionsRetry: /retry/i.test(op.description ?? '') }).toEqual({
          route: `${route.method} ${route.path}`,
          mentionsRetry: true,
        });
      }
    });

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
