import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** The few raw-SQL operations the kit needs (migrations, readiness), on either driver. */
export interface SqlSession {
  /** Runs one or more statements with no parameters (simple query protocol). */
  exec(sql: string): Promise<void>;
  query<R extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  release(): Promise<void>;
}

export function pgSession(client: pg.PoolClient | pg.Client, release: () => Promise<void>): SqlSession {
  return {
    exec: async (sql) => {
      await client.query(sql);
    },
    query: async <R extends Record<string, unknown>>(sql: string, params?: unknown[]) =>
      (await client.query(sql, params)).rows as R[],
    release,
  };
}

export function pgliteSession(db: PGlite): SqlSession {
  return {
    exec: async (sql) => {
      await db.exec(sql);
    },
    query: async <R extends Record<string, unknown>>(sql: string, params?: unknown[]) =>
      (await db.query<R>(sql, params)).rows,
    release: async () => undefined,
  };
}
