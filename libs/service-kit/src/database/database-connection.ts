import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { Logger } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { applyMigrations, MigrationResult } from './migrations.js';
import { pgliteSession, pgSession, SqlSession } from './sql-session.js';

export type DatabaseKind = 'postgres' | 'pglite';

export interface DatabaseSettings {
  serviceName: string;
  /** PostgreSQL URL; absent means embedded PGlite under `<dataDir>/<serviceName>/pglite`. */
  url?: string;
  dataDir: string;
  poolSize: number;
}

/** A Prisma driver adapter factory, whichever driver is underneath. */
export type PrismaAdapter = PrismaPg | PrismaPGlite;

/**
 * One database per service: real PostgreSQL through a pg pool when a URL is given,
 * else PGlite (PostgreSQL compiled to WASM, btree_gist loaded) so that Node.js is all it takes.
 */
export class DatabaseConnection {
  private readonly logger = new Logger('Database');

  private constructor(
    readonly kind: DatabaseKind,
    readonly adapter: PrismaAdapter,
    private readonly pool: pg.Pool | undefined,
    private readonly pglite: PGlite | undefined,
    readonly description: string,
  ) {}

  static open(settings: DatabaseSettings): DatabaseConnection {
    if (settings.url) {
      // sessions in UTC whatever the server's default: zone-less timestamps (how Prisma's adapter
      // sends and reads them) then mean what they say
      const pool = new pg.Pool({ connectionString: settings.url, max: settings.poolSize, options: '-c TimeZone=UTC' });
      // an idle client losing its server must not crash the process; the next query reconnects
      pool.on('error', (err) => new Logger('Database').warn(`idle PostgreSQL client error: ${err.message}`));
      return new DatabaseConnection('postgres', new PrismaPg(pool), pool, undefined, redactUrl(settings.url));
    }
    const dir = join(settings.dataDir, settings.serviceName, 'pglite');
    mkdirSync(dir, { recursive: true });
    const db = new PGlite(dir, { extensions: { btree_gist } });
    return new DatabaseConnection('pglite', new PrismaPGlite(db), undefined, db, `embedded PGlite at ${dir}`);
  }

  /** The pg pool Prisma's adapter uses, on PostgreSQL (HotPathSql runs its statements on it). */
  get postgresPool(): pg.Pool | undefined {
    return this.pool;
  }

  /** A session for raw SQL; for PostgreSQL a dedicated pooled client. */
  async session(): Promise<SqlSession> {
    if (this.pool) {
      const client = await this.pool.connect();
      return pgSession(client, async () => client.release());
    }
    await this.pglite!.waitReady;
    return pgliteSession(this.pglite!);
  }

  async migrate(migrationsDir: string): Promise<MigrationResult> {
    const session = await this.session();
    try {
      const result = await applyMigrations(session, migrationsDir);
      this.logger.log(
        `migrations on ${this.description}: ${result.applied.length} applied` +
          (result.applied.length ? ` (${result.applied.join(', ')})` : '') +
          `, ${result.alreadyApplied} already applied`,
      );
      return result;
    } finally {
      await session.release();
    }
  }

  /** Readiness: one round trip. */
  async ping(): Promise<void> {
    const session = await this.session();
    try {
      await session.query('SELECT 1');
    } finally {
      await session.release();
    }
  }

  async close(): Promise<void> {
    await this.pool?.end();
    if (this.pglite && !this.pglite.closed) await this.pglite.close();
  }
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return `PostgreSQL ${u.host}${u.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}
