import { Inject, Injectable } from '@nestjs/common';
import { DatabaseConnection } from './database-connection.js';
import { PRISMA_CLIENT } from './prisma-client.token.js';

/** A statement as `Prisma.sql` builds it: `$1`-numbered text and its values. */
export interface SqlStatement {
  readonly text: string;
  readonly values: unknown[];
}

interface RawQueryClient {
  $queryRaw<T>(query: SqlStatement): PromiseLike<T>;
}

/**
 * One statement straight on the driver, for the few statements every request of a hot path runs
 * (a booking's create and confirmation, a charge, the relay's claim): Prisma's query layer costs
 * 0.08-0.15 ms of CPU per statement over the pg driver's own, more than such a statement costs
 * PostgreSQL (bench/README.md). Everything else goes through Prisma.
 *
 * On PostgreSQL the statement runs on a client of the service's pool (auto-commit: one statement,
 * one implicit transaction). On embedded PGlite it goes through Prisma, whose adapter serialises
 * access to PGlite's single session, so it never lands inside another request's transaction.
 * Rows come back as the drivers give them: write SQL whose columns read the same on both (cast
 * int8 to text, alias columns to field names); timestamptz is a Date, jsonb parsed, uuid a string.
 * Errors carry the SQLSTATE either way (`postgresErrorCode`).
 */
@Injectable()
export class HotPathSql {
  constructor(
    private readonly connection: DatabaseConnection,
    @Inject(PRISMA_CLIENT) private readonly prisma: RawQueryClient,
  ) {}

  async query<R>(statement: SqlStatement): Promise<R[]> {
    const pool = this.connection.postgresPool;
    if (pool) return (await pool.query(statement.text, statement.values)).rows as R[];
    return (await this.prisma.$queryRaw<R[]>(statement)) ?? [];
  }
}
