import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Prisma } from '../generated/prisma/client.js';
import { EventSubscribers } from './event-subscribers.js';

export interface NewOutboxEvent {
  type: string;
  aggregateId: string;
  schemaVersion: number;
  payload: unknown;
}

/**
 * Appends an event and its deliveries (one per subscriber) inside the caller's transaction, in
 * one statement: the event exists exactly when the change it describes does, and every
 * subscriber has a row the relay must settle.
 */
@Injectable()
export class OutboxWriter {
  constructor(private readonly subscribers: EventSubscribers) {}

  async append(tx: Prisma.TransactionClient, event: NewOutboxEvent): Promise<void> {
    await tx.$executeRaw`
      WITH event AS (
        INSERT INTO outbox_events (id, type, aggregate_id, schema_version, payload, occurred_at, updated_at)
        VALUES (${randomUUID()}::uuid, ${event.type}, ${event.aggregateId}::uuid, ${event.schemaVersion},
                ${JSON.stringify(event.payload)}::jsonb, now(), now())
        RETURNING id, aggregate_id, position
      )
      INSERT INTO outbox_deliveries (event_id, subscriber, aggregate_id, position)
      SELECT event.id, subscriber, event.aggregate_id, event.position
      FROM event, unnest(${this.subscribers.names as string[]}::varchar[]) AS subscriber`;
  }
}
