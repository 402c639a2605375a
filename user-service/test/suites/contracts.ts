import { describeOpenApiContract, DocumentedOperation, DocumentedRoute } from '@cowork/service-kit/testing';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserServiceHarness } from '../support/harness.js';

const SCHEMA = fileURLToPath(new URL('../../prisma/schema.prisma', import.meta.url));
const OPENAPI = fileURLToPath(new URL('../../openapi.json', import.meta.url));

/**
 * Every route the service serves, with every status it can answer. 400 and 500 are global
 * (malformed input, unexpected errors); 401/403 come from the auth decorators.
 */
const ROUTES: DocumentedRoute[] = [
  { method: 'get', path: '/health/live', responses: [200, 400, 413, 500], auth: false },
  { method: 'get', path: '/health/ready', responses: [200, 400, 413, 500, 503], auth: false },
  { method: 'get', path: '/metrics', responses: [200, 400, 413, 500], auth: false },
  { method: 'get', path: '/users/me', responses: [200, 400, 401, 403, 404, 413, 500], auth: true, ok: 'UserDto' },
  { method: 'patch', path: '/users/me', responses: [200, 400, 401, 403, 404, 413, 500], auth: true, ok: 'UserDto' },
  { method: 'get', path: '/users', responses: [200, 400, 401, 403, 413, 500], auth: true, ok: 'UserPageDto' },
  { method: 'get', path: '/users/{id}', responses: [200, 400, 401, 404, 413, 500], auth: true, ok: 'UserDto' },
  {
    method: 'patch',
    path: '/users/{id}/role',
    responses: [200, 400, 401, 403, 404, 409, 413, 500],
    auth: true,
    ok: 'UserDto',
  },
  {
    method: 'patch',
    path: '/users/{id}/status',
    responses: [200, 400, 401, 403, 404, 409, 413, 500],
    auth: true,
    ok: 'UserDto',
  },
  {
    method: 'post',
    path: '/internal/users',
    responses: [200, 201, 400, 401, 403, 409, 413, 500],
    auth: true,
    ok: 'UserDto',
  },
  { method: 'delete', path: '/internal/users/{id}', responses: [204, 400, 401, 403, 413, 500], auth: true },
  {
    method: 'get',
    path: '/internal/users/stats',
    responses: [200, 400, 401, 403, 413, 500],
    auth: true,
    ok: 'UserStatsDto',
  },
  {
    method: 'get',
    path: '/internal/audit-entries',
    responses: [200, 400, 401, 403, 413, 500],
    auth: true,
    ok: 'AuditEntryPageDto',
  },
];

/** schema.prisma against the migrated database; the code's OpenAPI document against openapi.json. */
export function contractsSuite(h: UserServiceHarness): void {
  describe('contracts: database schema and OpenAPI document', () => {
    const drift = (schemaFile: string) => h.app.schemaDrift(schemaFile);

    describe('schema.prisma and the migrations', () => {
      it('agree: every model, field, enum and unique index exists in the freshly migrated database', async () => {
        expect(await drift(SCHEMA)).toEqual([]);
      });

      it('would be caught disagreeing (a field, an enum value and a unique index the migrations lack)', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'user-service-drift-'));
        try {
          const changed = readFileSync(SCHEMA, 'utf8')
            .replace('  SUSPENDED\n', '  SUSPENDED\n  DELETED\n')
            .replace('  @@map("user_profiles")', '  nickname String? @unique\n\n  @@map("user_profiles")');
          const file = join(dir, 'schema.prisma');
          writeFileSync(file, changed);
          const problems = await drift(file);
          expect(problems).toEqual(
            expect.arrayContaining([
              expect.stringContaining('nickname'),
              expect.stringContaining('UserStatus lacks value DELETED'),
              expect.stringMatching(/nickname @unique: no unique index/),
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
        expect(rows.map((r) => r.migration_name)).toEqual(['20261125000000_init', '20261125050000_audit_entries']);
        expect(rows[0]!.finished_at).not.toBeNull();
        expect(rows[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
      });
    });

    describe('openapi.json', () => {
      const operation = (path: string, method: string) =>
        (h.app.openApi.paths[path] as unknown as Record<string, DocumentedOperation>)[method]!;

      // no requireRetryNote: PATCH /users/me, /users/{id}/role and /users/{id}/status say it in their summaries
      describeOpenApiContract(() => h.app, ROUTES, { openApiFile: OPENAPI });

      it('documents the profile shape of GET /users/me and the list query of GET /users', () => {
        const schemas = h.app.openApi.components!.schemas as Record<string, { required: string[]; enum: string[] }>;
        expect(schemas.UserDto.required.sort()).toEqual([
          'createdAt',
          'email',
          'fullName',
          'id',
          'role',
          'status',
          'updatedAt',
        ]);
        expect(schemas.UserRole.enum).toEqual(['MEMBER', 'ADMIN']);
        expect(schemas.UserStatus.enum).toEqual(['ACTIVE', 'SUSPENDED']);
        const list = operation('/users', 'get');
        expect((list.parameters ?? []).map((p) => p.name).sort()).toEqual([
          'cursor',
          'limit',
          'role',
          'search',
          'status',
        ]);
      });

      it('is served at /api/docs-json exactly as generated', async () => {
        const res = await h.app.get('/api/docs-json');
        expect(res.status).toBe(200);
        expect(res.body).toEqual(JSON.parse(JSON.stringify(h.app.openApi)));
      });
    });
  });
}
