import { uuidv7 } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client.js';
import { EventSubscribers } from './event-subscribers.js';

export interface NewOutboxEvent {
  type: string;
  aggregateId: string;
  schemaVersion: number;
  payload: unknown;
}

/** Runs one statement: the kit's HotPathSql, or a Prisma transaction (`inTransaction`). */
export interface SqlRunner {
  query<R>(statement: Prisma.Sql): Promise<R[]>;
}

/** Statements inside a Prisma interactive transaction. */
export function inTransaction(tx: Prisma.TransactionClient): SqlRunner {
  return { query: <R>(statement: Prisma.Sql) => tx.$queryRaw<R[]>(statement) };
}

/**
 * Writes an event and its deliveries (one per subscriber) in the same statement as the change it
 * describes: the event exists exactly when the change does, and every subscriber has a row the
 * relay must settle. One statement is also one implicit transaction and one round trip, which
 * is what makes the booking hot path cheap (bench/README.md).
 */
@Injectable()
export class OutboxWriter {
  constructor(private readonly subscribers: EventSubscribers) {}

  /**
   * Runs `change` (an INSERT/UPDATE/DELETE ending in `RETURNING id`, the aggregate's id) and, if
   * it touched a row, appends `event`: both or neither. Answers how many rows `change` touched
   * (0: its conditions did not hold, nothing was written).
   */
  async writeWithEvent(db: SqlRunner, change: Prisma.Sql, event: NewOutboxEvent | undefined): Promise<number> {
    const [{ changed }] = await db.query<{ changed: number }>(
      event
        ? Prisma.sql`
          WITH changed AS (${change}), ${this.eventAfter('changed', event)}
          SELECT count(*)::int AS changed FROM changed`
        : Prisma.sql`WITH changed AS (${change}) SELECT count(*)::int AS changed FROM changed`,
    );
    return changed;
  }

  /** Appends an event inside the caller's transaction (for changes made by other statements). */
  async append(db: SqlRunner, event: NewOutboxEvent): Promise<void> {
    await db.query(Prisma.sql`
      WITH changed AS (SELECT ${event.aggregateId}::uuid AS id), ${this.eventAfter('changed', event)}
      SELECT 1`);
  }

  /** The CTEs that insert the event for each row of `source` (one) and its deliveries. */
  private eventAfter(source: string, event: NewOutboxEvent): Prisma.Sql {
    const from = Prisma.raw(source);
    return Prisma.sql`
      event AS (
        INSERT INTO outbox_events (id, type, aggregate_id, schema_version, payload, occurred_at, updated_at)
        SELECT ${uuidv7()}::uuid, ${event.type}, ${from}.id, ${event.schemaVersion},
               ${JSON.stringify(event.payload)}::jsonb, now(), now()
        FROM ${from}
        RETURNING id, aggregate_id, position
      ),
      deliveries AS (
        INSERT INTO outbox_deliveries (event_id, subscriber, aggregate_id, position)
        SELECT event.id, subscriber, event.aggregate_id, event.position
        FROM event, unnest(${this.subscribers.names as string[]}::varchar[]) AS subscriber
      )`;
  }
}
