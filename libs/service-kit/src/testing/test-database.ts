import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface TestDatabase {
  kind: 'postgres' | 'pglite';
  /** environment for the service under test (DATABASE_URL or DATA_DIR) */
  env: Record<string, string>;
  description: string;
  drop(): Promise<void>;
}

const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A fresh, empty database for one test file: on real PostgreSQL when one is reachable
 * (TEST_DATABASE_URL, else the local default), on embedded PGlite otherwise. TEST_DB=pglite
 * forces PGlite; TEST_DATABASE_URL set but unreachable is an error, not a silent fallback.
 */
export async function provisionTestDatabase(serviceName: string): Promise<TestDatabase> {
  const explicit = process.env.TEST_DATABASE_URL;
  const server = process.env.TEST_DB === 'pglite' ? undefined : (explicit ?? DEFAULT_SERVER);
  if (server && (await reachable(server, !!explicit))) {
    const name = `t_${serviceName.replace(/\W/g, '_')}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    await adminQuery(server, `CREATE DATABASE "${name}"`);
    const url = new URL(server);
    url.pathname = `/${name}`;
    const db: TestDatabase = {
      kind: 'postgres',
      env: { DATABASE_URL: url.toString() },
      description: `PostgreSQL database ${name} on ${url.host}`,
      drop: () => adminQuery(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
    };
    report(serviceName, db);
    return db;
  }
  const dir = mkdtempSync(join(tmpdir(), `${serviceName}-`));
  const db: TestDatabase = {
    kind: 'pglite',
    env: { DATA_DIR: dir },
    description: `embedded PGlite under ${dir}`,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
  report(serviceName, db);
  return db;
}

async function reachable(url: string, mustBe: boolean): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    return true;
  } catch (error) {
    if (mustBe)
      throw new Error(`TEST_DATABASE_URL is set but not reachable: ${(error as Error).message}`, { cause: error });
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** dev.sh collects these lines to say which database each suite ran on. */
function report(serviceName: string, db: TestDatabase): void {
  const suite = (expect as unknown as { getState?: () => { testPath?: string } }).getState?.().testPath;
  const line = `${serviceName}\t${db.kind}\t${suite ? suite.replace(process.cwd() + '/', '') : '?'}\n`;
  if (process.env.TEST_DB_REPORT) appendFileSync(process.env.TEST_DB_REPORT, line);
}
