import { Logger, Module, Type } from '@nestjs/common';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { AuthModule } from '../auth/auth.module.js';
import { ServiceModule } from '../bootstrap/service-module.js';
import { BaseServiceConfig } from '../config/service-config.js';
import { TestApp } from '../testing/test-app.js';
import { provisionTestDatabase, TestDatabase } from '../testing/test-database.js';
import { DatabaseConnection } from './database-connection.js';
import { DatabaseModule } from './database.module.js';
import { HotPathSql } from './hot-path-sql.js';
import { MigrationError } from './migrations.js';

class DbTestConfig extends BaseServiceConfig {
  override PORT = 3998;
}

/** Stands in for a service's generated PrismaClient: the kit only constructs and disconnects it. */
class FakePrismaClient {
  disconnected = false;
  constructor(readonly options: { adapter: unknown }) {}
  async $disconnect(): Promise<void> {
    this.disconnected = true;
  }
}

const SERVICE = 'kit-db-test';
const INIT = 'CREATE TABLE "rooms" ("id" UUID PRIMARY KEY, "name" TEXT NOT NULL);';

function serviceModule(migrationsDir: string): Type<unknown> {
  @Module({
    imports: [
      ServiceModule.forRoot({ serviceName: SERVICE, config: DbTestConfig }),
      AuthModule.forRoot(),
      DatabaseModule.forRoot({ serviceName: SERVICE, migrationsDir, client: FakePrismaClient }),
    ],
  })
  class DbTestModule {}
  return DbTestModule;
}

const start = (migrationsDir: string, db: TestDatabase) =>
  TestApp.start(
    serviceModule(migrationsDir),
    { serviceName: SERVICE, config: DbTestConfig, docs: { title: 'db test', description: 'db test' } },
    db.env,
  );

const cleanups: (() => Promise<unknown> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function migrationsFolder(): { dir: string; write: (name: string, sql: string) => void } {
  const dir = mkdtempSync(join(tmpdir(), 'kit-db-module-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, sql: string) => {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, 'migration.sql'), sql);
  };
  return { dir, write };
}

async function database(): Promise<TestDatabase> {
  const db = await provisionTestDatabase(SERVICE);
  cleanups.push(() => db.drop());
  return db;
}

/** Runs SQL on the PostgreSQL server's maintenance database (outside the service's own). */
async function onServer(db: TestDatabase, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  const url = new URL(db.env.DATABASE_URL!);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    return (await admin.query(sql, params)).rows;
  } finally {
    await admin.end();
  }
}

const databaseName = (db: TestDatabase) => new URL(db.env.DATABASE_URL!).pathname.slice(1);

// One database for the whole file (a new PGlite database costs seconds; reopening it does not):
// the first block runs a service on it, the second starts one again on what the first left.
let db: TestDatabase;
let folder: ReturnType<typeof migrationsFolder>;

beforeAll(async () => {
  db = await database();
  folder = migrationsFolder();
  folder.write('20260101000000_init', INIT);
});

describe('DatabaseModule in a running service', () => {
  let app: TestApp;
  let closed = false;

  beforeAll(async () => {
    app = await start(folder.dir, db);
  });

  afterAll(async () => {
    if (!closed) await app?.close();
  });

  it("opens the service's database and applies its migrations before serving", async () => {
    const connection = app.app.get(DatabaseConnection);
    expect(connection.kind).toBe(db.kind);
    const session = await connection.session();
    try {
      const rows = await session.query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations"');
      expect(rows).toEqual([{ migration_name: '20260101000000_init' }]);
      await session.query('INSERT INTO "rooms" (id, name) VALUES (gen_random_uuid(), $1)', ['Blue room']);
    } finally {
      await session.release();
    }
  });

  it('runs hot-path statements straight on the pool, and keeps every session in UTC whatever the server default', async () => {
    if (db.kind !== 'postgres') return; // PGlite: HotPathSql goes through Prisma, covered by the services' tests
    await onServer(db, `ALTER DATABASE "${databaseName(db)}" SET timezone TO 'Asia/Kolkata'`);
    const connection = DatabaseConnection.open({
      serviceName: SERVICE,
      url: db.env.DATABASE_URL,
      dataDir: tmpdir(),
      poolSize: 2,
    });
    try {
      const sql = new HotPathSql(connection, app.app.get(FakePrismaClient) as never);
      const [row] = await sql.query<{ zone: string; at: Date }>({
        text: "SELECT current_setting('TimeZone') AS zone, $1::timestamptz AS at",
        values: ['2030-01-01T10:00:00.000Z'],
      });
      expect(row).toEqual({ zone: 'UTC', at: new Date('2030-01-01T10:00:00.000Z') });
    } finally {
      await connection.close();
      await onServer(db, `ALTER DATABASE "${databaseName(db)}" RESET timezone`);
    }
  });

  it("provides the PrismaClient under the service's own class, built on the connection's driver adapter", () => {
    const client = app.app.get(FakePrismaClient);
    expect(client).toBeInstanceOf(FakePrismaClient);
    expect(client.options.adapter).toBe(app.app.get(DatabaseConnection).adapter);
  });

  it('reports ready with a database check while the database answers', async () => {
    const res = await app.get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', checks: { database: 'ok' } });
  });

  it('reports not ready with 503 and a Retry-After when the database stops answering, and stays alive', async () => {
    if (db.kind === 'postgres') {
      await onServer(db, `ALTER DATABASE "${databaseName(db)}" ALLOW_CONNECTIONS false`);
      await onServer(db, 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
        databaseName(db),
      ]);
    } else {
      await app.app.get(DatabaseConnection).close(); // PGlite lives in the process: stop it
    }

    const res = await app.get('/health/ready');

    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', dependency: 'database', retryAfterSeconds: 5 });
    expect((await app.get('/health/live')).status).toBe(200);

    if (db.kind === 'postgres') {
      // a PostgreSQL that comes back makes the service ready again, without a restart
      await onServer(db, `ALTER DATABASE "${databaseName(db)}" ALLOW_CONNECTIONS true`);
      expect((await app.get('/health/ready')).status).toBe(200);
    }
  });

  it('disconnects the PrismaClient and closes the database when the app closes', async () => {
    const client = app.app.get(FakePrismaClient);
    const connection = app.app.get(DatabaseConnection);

    closed = true;
    await app.close();

    expect(client.disconnected).toBe(true);
    await expect(connection.ping()).rejects.toThrow();
  });
});

describe('DatabaseModule at start-up', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));

  it('refuses to start when an applied migration was edited, naming the migration, and lets go of the database', async () => {
    folder.write('20260101000000_init', `${INIT}\n-- edited after it was applied`);

    const failure = await start(folder.dir, db).then(
      (app) => app.close().then(() => undefined),
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(MigrationError);
    expect((failure as Error).message).toContain('20260101000000_init');
    expect((failure as Error).message).toMatch(/modified after it was applied/);
    if (db.kind === 'postgres') {
      const rows = await onServer(db, 'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [
        databaseName(db),
      ]);
      expect(rows).toEqual([{ n: 0 }]);
    }
  });
});
