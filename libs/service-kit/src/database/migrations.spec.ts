import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provisionTestDatabase, TestDatabase } from '../testing/test-database.js';
import { DatabaseConnection } from './database-connection.js';
import { applyMigrations, MigrationError, readMigrations } from './migrations.js';
import type { SqlSession } from './sql-session.js';

const cleanups: (() => Promise<void> | void)[] = [];
// One database per file (a PGlite start costs seconds); each test gets an empty public schema.
// Provisioned up front so that the PostgreSQL-only case can be skipped by name on PGlite.
const db = await provisionTestDatabase('service-kit');
let connection: DatabaseConnection;

beforeAll(async () => {
  Logger.overrideLogger(false);
  connection = open(db);
  await connection.ping(); // PGlite finishes starting (it imports modules) inside the hook
});

beforeEach(async () => {
  await withSession(connection, (s) => s.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;'));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await connection?.close();
  await db?.drop();
  Logger.overrideLogger(['log', 'error', 'warn']);
});

function open(target: TestDatabase): DatabaseConnection {
  return DatabaseConnection.open({
    serviceName: 'service-kit',
    url: target.env.DATABASE_URL,
    dataDir: target.env.DATA_DIR ?? tmpdir(),
    poolSize: 2,
  });
}

/** A temp `prisma/migrations` folder; `write` adds or edits `<name>/migration.sql`. */
function migrationsFolder(files: Record<string, string | Buffer> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'kit-migrations-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, sql: string | Buffer) => {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, 'migration.sql'), sql);
  };
  for (const [name, sql] of Object.entries(files)) write(name, sql);
  return { dir, write };
}

async function withSession<T>(connection: DatabaseConnection, fn: (s: SqlSession) => Promise<T>): Promise<T> {
  const session = await connection.session();
  try {
    return await fn(session);
  } finally {
    await session.release();
  }
}

interface MigrationRow extends Record<string, unknown> {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: Date | null;
  started_at: Date;
  logs: string | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
}

const migrationRows = (connection: DatabaseConnection) =>
  withSession(connection, (s) =>
    s.query<MigrationRow>('SELECT * FROM "_prisma_migrations" ORDER BY started_at, migration_name'),
  );

const tableExists = (connection: DatabaseConnection, table: string) =>
  withSession(connection, async (s) => {
    const rows = await s.query<{ name: string | null }>('SELECT to_regclass($1)::text AS name', [`public.${table}`]);
    return rows[0]!.name !== null;
  });

const advisoryLocksHeld = (connection: DatabaseConnection) =>
  withSession(connection, async (s) => {
    const rows = await s.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks
        WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`);
    return rows[0]!.n;
  });

async function migrationError(promise: Promise<unknown>): Promise<MigrationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MigrationError);
  return error as MigrationError;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const INIT = 'CREATE TABLE "spaces" ("id" UUID PRIMARY KEY, "name" TEXT NOT NULL);';
const ADD_CITY = 'ALTER TABLE "spaces" ADD COLUMN "city" TEXT;';
const ADD_DESKS = 'CREATE TABLE "desks" ("id" UUID PRIMARY KEY, "space_id" UUID NOT NULL REFERENCES "spaces"("id"));';

describe(`applyMigrations (${db.kind})`, () => {
  it('applies Prisma-format migration folders in name order, whatever order they were written in', async () => {
    // written out of order on purpose: 2 and 3 depend on 1
    const { dir } = migrationsFolder({
      '20260103000000_add_desks': ADD_DESKS,
      '20260101000000_init': INIT,
      '20260102000000_add_city': ADD_CITY,
    });
    writeFileSync(join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');
    mkdirSync(join(dir, 'not_a_migration')); // a folder without migration.sql is not a migration

    const result = await connection.migrate(dir);

    expect(result).toEqual({
      applied: ['20260101000000_init', '20260102000000_add_city', '20260103000000_add_desks'],
      alreadyApplied: 0,
    });
    expect(await tableExists(connection, 'desks')).toBe(true);
    await withSession(connection, async (s) => {
      const cols = await s.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'spaces' ORDER BY ordinal_position`,
      );
      expect(cols.map((c) => c.column_name)).toEqual(['id', 'name', 'city']);
    });
  });

  it("records each migration in _prisma_migrations exactly as Prisma does, with the sha256 of the file's bytes", async () => {
    // CRLF and non-ASCII bytes: the checksum is of the bytes on disk, not of normalised text
    const bytes = Buffer.from(`-- Café spaces\r\n${INIT}\r\n`, 'utf8');
    const { dir } = migrationsFolder({ '20260101000000_init': bytes, '20260102000000_add_city': ADD_CITY });
    const before = Date.now();

    await connection.migrate(dir);

    await withSession(connection, async (s) => {
      const columns = await s.query<Record<string, unknown>>(
        `SELECT column_name, data_type, character_maximum_length AS len, is_nullable, column_default
           FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
      );
      expect(columns.map((c) => [c.column_name, c.data_type, c.len, c.is_nullable])).toEqual([
        ['id', 'character varying', 36, 'NO'],
        ['checksum', 'character varying', 64, 'NO'],
        ['finished_at', 'timestamp with time zone', null, 'YES'],
        ['migration_name', 'character varying', 255, 'NO'],
        ['logs', 'text', null, 'YES'],
        ['rolled_back_at', 'timestamp with time zone', null, 'YES'],
        ['started_at', 'timestamp with time zone', null, 'NO'],
        ['applied_steps_count', 'integer', null, 'NO'],
      ]);
      expect(columns.find((c) => c.column_name === 'started_at')!.column_default).toBe('now()');
      expect(columns.find((c) => c.column_name === 'applied_steps_count')!.column_default).toBe('0');
      const pk = await s.query<{ column_name: string }>(
        `SELECT a.attname AS column_name FROM pg_index i
           JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
          WHERE i.indrelid = '"_prisma_migrations"'::regclass AND i.indisprimary`,
      );
      expect(pk.map((r) => r.column_name)).toEqual(['id']);
    });

    const rows = await migrationRows(connection);
    expect(rows.map((r) => r.migration_name)).toEqual(['20260101000000_init', '20260102000000_add_city']);
    expect(rows[0]!.checksum).toBe(sha256(bytes));
    expect(rows[0]!.checksum).not.toBe(sha256(Buffer.from(`-- Café spaces\n${INIT}\n`)));
    expect(rows[1]!.checksum).toBe(sha256(readFileSync(join(dir, '20260102000000_add_city', 'migration.sql'))));
    for (const row of rows) {
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(before - 5000);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.applied_steps_count).toBe(1);
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
    }
    expect(new Set(rows.map((r) => r.id)).size).toBe(2);
  });

  it('computes the same checksums when reading the folder as it stores', () => {
    const bytes = Buffer.from(`${INIT}\n`);
    const { dir } = migrationsFolder({ '20260101000000_init': bytes });
    expect(readMigrations(dir)).toEqual([{ name: '20260101000000_init', sql: `${INIT}\n`, checksum: sha256(bytes) }]);
  });

  it('refuses a migrations folder that does not exist', async () => {
    const error = await migrationError(connection.migrate(join(tmpdir(), 'no-such-migrations-folder')));
    expect(error.message).toContain('no-such-migrations-folder');
  });

  it('applies nothing on a second run, and only the new migration when one is added', async () => {
    const folder = migrationsFolder({ '20260101000000_init': INIT, '20260102000000_add_city': ADD_CITY });
    await connection.migrate(folder.dir);

    expect(await connection.migrate(folder.dir)).toEqual({ applied: [], alreadyApplied: 2 });
    expect(await migrationRows(connection)).toHaveLength(2);

    folder.write('20260103000000_add_desks', ADD_DESKS);
    expect(await connection.migrate(folder.dir)).toEqual({ applied: ['20260103000000_add_desks'], alreadyApplied: 2 });
    expect((await migrationRows(connection)).map((r) => r.migration_name)).toEqual([
      '20260101000000_init',
      '20260102000000_add_city',
      '20260103000000_add_desks',
    ]);
  });

  it('refuses to start when an applied migration was edited, naming it, and applies nothing else', async () => {
    const folder = migrationsFolder({ '20260101000000_init': INIT, '20260102000000_add_city': ADD_CITY });
    await connection.migrate(folder.dir);

    folder.write('20260102000000_add_city', `${ADD_CITY}\nALTER TABLE "spaces" ADD COLUMN "country" TEXT;`);
    folder.write('20260103000000_add_desks', ADD_DESKS);
    const error = await migrationError(connection.migrate(folder.dir));

    expect(error.message).toContain('20260102000000_add_city');
    expect(error.message).toMatch(/modified/);
    expect(error.message).not.toContain('20260101000000_init');
    expect(await tableExists(connection, 'desks')).toBe(false);
    expect(await migrationRows(connection)).toHaveLength(2);
    expect(await advisoryLocksHeld(connection)).toBe(0);
  });

  it('rolls a failing migration back completely (no partial table, no row) and names it', async () => {
    const folder = migrationsFolder({
      '20260101000000_init': INIT,
      // the first statement succeeds, the second fails: nothing of it may remain
      '20260102000000_broken': `CREATE TABLE "half_done" ("id" INT);\nALTER TABLE "no_such_table" ADD COLUMN "x" INT;`,
      '20260103000000_add_desks': ADD_DESKS,
    });

    const error = await migrationError(connection.migrate(folder.dir));

    expect(error.message).toContain('20260102000000_broken');
    expect(error.message).toContain('no_such_table');
    expect(await tableExists(connection, 'spaces')).toBe(true);
    expect(await tableExists(connection, 'half_done')).toBe(false);
    expect(await tableExists(connection, 'desks')).toBe(false);
    expect((await migrationRows(connection)).map((r) => r.migration_name)).toEqual(['20260101000000_init']);
    expect(await advisoryLocksHeld(connection)).toBe(0);

    // once fixed, the next start applies it and what follows, as if it had never been tried
    folder.write('20260102000000_broken', `CREATE TABLE "half_done" ("id" INT);`);
    expect(await connection.migrate(folder.dir)).toEqual({
      applied: ['20260102000000_broken', '20260103000000_add_desks'],
      alreadyApplied: 1,
    });
  });

  it('refuses to start when an earlier attempt left a migration unfinished (finished_at NULL)', async () => {
    const folder = migrationsFolder({ '20260101000000_init': INIT });
    await connection.migrate(folder.dir);
    folder.write('20260102000000_add_city', ADD_CITY);
    await withSession(connection, (s) =>
      s.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
         VALUES ($1, $2, $3, now(), NULL, 0)`,
        ['0f0e5a4e-3b7b-4b53-9b0e-2b0e0c0d0e0f', 'a'.repeat(64), '20260102000000_add_city'],
      ),
    );

    const error = await migrationError(connection.migrate(folder.dir));

    expect(error.message).toContain('20260102000000_add_city');
    expect(error.message).toMatch(/never finished/);
    expect(
      await withSession(connection, (s) =>
        s.query(`SELECT 1 FROM information_schema.columns WHERE column_name = 'city'`),
      ),
    ).toEqual([]);
    expect(await advisoryLocksHeld(connection)).toBe(0);
  });

  it('re-applies a migration that was marked rolled back (prisma migrate resolve --rolled-back)', async () => {
    const folder = migrationsFolder({ '20260101000000_init': INIT });
    await connection.migrate(folder.dir);
    folder.write('20260102000000_add_city', ADD_CITY);
    await withSession(connection, (s) =>
      s.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, rolled_back_at, applied_steps_count)
         VALUES ($1, $2, $3, now(), NULL, now(), 0)`,
        ['1f0e5a4e-3b7b-4b53-9b0e-2b0e0c0d0e0f', 'b'.repeat(64), '20260102000000_add_city'],
      ),
    );

    expect(await connection.migrate(folder.dir)).toEqual({ applied: ['20260102000000_add_city'], alreadyApplied: 1 });
    const rows = await migrationRows(connection);
    expect(rows.filter((r) => r.migration_name === '20260102000000_add_city' && r.finished_at)).toHaveLength(1);
  });

  (db.kind === 'postgres' ? it : it.skip)(
    'applies each migration once when two instances migrate the same database at once (PostgreSQL only: PGlite has a single connection, so there is nothing to race)',
    async () => {
      const other = open(db);
      cleanups.push(() => other.close());
      const { dir } = migrationsFolder({
        // slow enough that without the advisory lock both instances would be inside it together
        '20260101000000_init': `SELECT pg_sleep(0.3);\n${INIT}`,
        '20260102000000_add_city': ADD_CITY,
        '20260103000000_add_desks': ADD_DESKS,
      });
      const [a, b] = [await connection.session(), await other.session()];
      cleanups.push(
        () => a.release(),
        () => b.release(),
      );

      const results = await Promise.all([applyMigrations(a, dir), applyMigrations(b, dir)]);

      const all = ['20260101000000_init', '20260102000000_add_city', '20260103000000_add_desks'];
      expect(results).toEqual(
        expect.arrayContaining([
          { applied: all, alreadyApplied: 0 },
          { applied: [], alreadyApplied: 3 },
        ]),
      );
      expect((await migrationRows(connection)).map((r) => r.migration_name).sort()).toEqual([...all].sort());
      expect(await advisoryLocksHeld(connection)).toBe(0);
    },
  );
});
