import { HotPathSql } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { DeliveryStatus } from '../generated/prisma/enums.js';
import { OutboxDelivery, OutboxEvent, Prisma, PrismaClient } from '../generated/prisma/client.js';

/** One delivery row: an event to one subscriber. */
export interface DeliveryKey {
  eventId: string;
  subscriber: string;
}

/** A delivery the relay has leased, with the event it carries. */
export interface ClaimedDelivery extends DeliveryKey {
  attempts: number;
  event: Pick<OutboxEvent, 'id' | 'type' | 'aggregateId' | 'schemaVersion' | 'payload' | 'occurredAt' | 'position'>;
}

type ClaimedRow = DeliveryKey & { attempts: number; position: string } & Omit<
    ClaimedDelivery['event'],
    'id' | 'position'
  >;

/** A failed attempt to settle: the error to keep, and when to try again (null: park it as DEAD). */
export interface DeliveryFailure extends DeliveryKey {
  error: string;
  retryAt: Date | null;
  /** false: the subscriber never tried this event, so the attempt counted when it was claimed is given back */
  attemptCounted: boolean;
}

export type OutboxEventWithDeliveries = OutboxEvent & { deliveries: OutboxDelivery[] };

export interface OutboxFilter {
  status?: DeliveryStatus;
  subscriber?: string;
}

@Injectable()
export class OutboxRepository {
  constructor(
    private readonly prisma: PrismaClient,
    /** the relay's statements run on every pass: straight on the driver */
    private readonly sql: HotPathSql,
  ) {}

  /**
   * Leases up to `limit` due deliveries in one statement, which also reads their events. A row is due when it is PENDING, its
   * time has come, and every earlier event of the same booking has been delivered to the same
   * subscriber (per-booking order). `FOR UPDATE SKIP LOCKED` lets concurrent relays take
   * disjoint rows; the lease (leased_until, outside every index: a HOT update) keeps a row from being taken again
   * while it is being delivered, and frees it if the relay dies. The attempt is counted here, so
   * an event that crashes its relay still ends DEAD.
   */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const rows = await this.sql.query<ClaimedRow>(Prisma.sql`
      WITH due AS (
        SELECT c.event_id, c.subscriber
        FROM outbox_deliveries c
        WHERE c.status = 'PENDING'
          AND c.next_attempt_at <= now()
          AND (c.leased_until IS NULL OR c.leased_until <= now())
          AND NOT EXISTS (
            SELECT 1 FROM outbox_deliveries p
            WHERE p.subscriber = c.subscriber
              AND p.aggregate_id = c.aggregate_id
              AND p.position < c.position
              AND p.status <> 'DELIVERED'
          )
        ORDER BY c.next_attempt_at, c.position
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      ),
      claimed AS (
        UPDATE outbox_deliveries d
        SET attempts = d.attempts + 1,
            leased_until = now() + ${leaseMs} * interval '1 millisecond',
            updated_at = now()
        FROM due
        WHERE d.event_id = due.event_id AND d.subscriber = due.subscriber
        RETURNING d.event_id, d.subscriber, d.attempts
      )
      SELECT claimed.event_id::text AS "eventId", claimed.subscriber, claimed.attempts,
             e.type, e.aggregate_id::text AS "aggregateId", e.schema_version AS "schemaVersion",
             e.payload, e.occurred_at AS "occurredAt", e.position::text AS position
      FROM claimed JOIN outbox_events e ON e.id = claimed.event_id
      ORDER BY e.position`);
    return rows.map(({ eventId, subscriber, attempts, position, ...event }) => ({
      eventId,
      subscriber,
      attempts,
      event: { id: eventId, ...event, position: BigInt(position) },
    }));
  }

  /** Marks deliveries DELIVERED, in one statement (rows no longer PENDING are left alone). */
  async markDelivered(deliveries: readonly DeliveryKey[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.sql.query(Prisma.sql`
      UPDATE outbox_deliveries d
      SET status = 'DELIVERED', delivered_at = now(), last_error = NULL, leased_until = NULL, updated_at = now()
      FROM unnest(${deliveries.map((k) => k.eventId)}::uuid[], ${deliveries.map((k) => k.subscriber)}::varchar[])
        AS k(event_id, subscriber)
      WHERE d.event_id = k.event_id AND d.subscriber = k.subscriber AND d.status = 'PENDING'`);
  }

  /**
   * Records failed attempts, in one statement: each delivery keeps its error and is due again at
   * its `retryAt`, or is parked as DEAD when `retryAt` is null.
   */
  async markFailed(failures: readonly DeliveryFailure[]): Promise<void> {
    if (failures.length === 0) return;
    await this.sql.query(Prisma.sql`
      UPDATE outbox_deliveries d
      SET status = CASE WHEN f.dead THEN 'DEAD'::"DeliveryStatus" ELSE d.status END,
          next_attempt_at = CASE WHEN f.dead THEN d.next_attempt_at ELSE f.retry_at END,
          last_error = f.error,
          attempts = CASE WHEN f.counted THEN d.attempts ELSE greatest(d.attempts - 1, 0) END,
          leased_until = NULL,
          updated_at = now()
      FROM unnest(
        ${failures.map((f) => f.eventId)}::uuid[],
        ${failures.map((f) => f.subscriber)}::varchar[],
        ${failures.map((f) => f.error.slice(0, 500))}::varchar[],
        ${failures.map((f) => (f.retryAt ?? new Date()).toISOString())}::timestamptz[],
        ${failures.map((f) => f.retryAt === null)}::boolean[],
        ${failures.map((f) => f.attemptCounted)}::boolean[]
      ) AS f(event_id, subscriber, error, retry_at, dead, counted)
      WHERE d.event_id = f.event_id AND d.subscriber = f.subscriber AND d.status = 'PENDING'`);
  }

  findEvent(id: string): Promise<OutboxEventWithDeliveries | null> {
    return this.prisma.outboxEvent.findUnique({
      where: { id },
      include: { deliveries: { orderBy: { subscriber: 'asc' } } },
    });
  }

  /** Events with a delivery in `status` (to `subscriber`), newest (highest position) first, before `beforePosition`; one extra row for paging. */
  list(filter: OutboxFilter, limit: number, beforePosition?: bigint): Promise<OutboxEventWithDeliveries[]> {
    const deliveryFilter = {
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.subscriber ? { subscriber: filter.subscriber } : {}),
    };
    return this.prisma.outboxEvent.findMany({
      where: {
        AND: [
          beforePosition !== undefined ? { position: { lt: beforePosition } } : {},
          Object.keys(deliveryFilter).length ? { deliveries: { some: deliveryFilter } } : {},
        ],
      },
      include: { deliveries: { orderBy: { subscriber: 'asc' } } },
      orderBy: { position: 'desc' },
      take: limit + 1,
    });
  }

  /** Puts an event's DEAD deliveries back in the queue with a fresh attempt budget. */
  async redrive(eventId: string): Promise<number> {
    const { count } = await this.prisma.outboxDelivery.updateMany({
      where: { eventId, status: DeliveryStatus.DEAD },
      data: { status: DeliveryStatus.PENDING, attempts: 0, nextAttemptAt: new Date(), leasedUntil: null },
    });
    return count;
  }

  /** Drops events delivered to every subscriber before `before` (dead or pending ones stay). */
  async purgeDelivered(before: Date): Promise<number> {
    const { count } = await this.prisma.outboxEvent.deleteMany({
      where: { createdAt: { lt: before }, deliveries: { none: { status: { not: DeliveryStatus.DELIVERED } } } },
    });
    return count;
  }
}
