import type { EventOutcome } from '@cowork/service-kit';
import { isUniqueViolation, postgresErrorCode, recordEventOnce } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { Prisma, PrismaClient, ReportBooking } from '../generated/prisma/client.js';
import { BookingChange, ProjectedBooking, Projection } from './booking-projection.js';

type Tx = Prisma.TransactionClient;

/** Keeps the per-booking advisory locks apart from any other advisory lock (the kit's migration lock). */
const BOOKING_LOCK_NAMESPACE = 3006;
/** Concurrent deliveries queue for a connection and for each other; a short queue is no failure. */
const TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 30_000 };
/** SQLSTATEs after which the whole transaction may simply run again. */
const RETRIABLE = new Set(['40001', '40P01']);
const ATTEMPTS = 3;

interface EventIdentity {
  id: string;
  type: string;
  source: string;
}

/** The only writer of the read model: each event in one transaction with its processed_events row. */
@Injectable()
export class ReadModelRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Records an event this consumer does not act on: 'ignored' the first time, 'duplicate' after. */
  recordOnly(event: EventIdentity): Promise<EventOutcome> {
    return this.inTransaction(event, async (tx) => ((await recordEventOnce(tx, event)) ? 'ignored' : 'duplicate'));
  }

  /**
   * Applies a booking event: records its id first (a redelivery, even a concurrent one, ends as
   * 'duplicate' and changes nothing), takes the booking's lock, and writes what `project` decides
   * (the booking, its workspace, a money movement) or nothing for a stale event ('ignored').
   */
  apply(
    change: BookingChange,
    project: (current: ProjectedBooking | null, change: BookingChange) => Projection,
  ): Promise<EventOutcome> {
    return this.inTransaction(change.event, async (tx) => {
      if (!(await recordEventOnce(tx, change.event))) return 'duplicate';
      // events of one booking arrive in order, but two deliveries may overlap: one at a time per booking
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${BOOKING_LOCK_NAMESPACE}::int, hashtext(${change.booking.id}))`;
      const row = await tx.reportBooking.findUnique({ where: { bookingId: change.booking.id } });
      const projection = project(row ? fromRow(row) : null, change);
      if (projection.kind === 'stale') return 'ignored';

      const { lastSequence, ...booking } = projection.booking;
      const data = { ...booking, lastSequence: BigInt(lastSequence) };
      await tx.reportBooking.upsert({ where: { bookingId: booking.bookingId }, create: data, update: data });
      await this.upsertWorkspace(tx, change);
      if (projection.movementCents !== 0) {
        await tx.moneyMovement.create({
          data: {
            eventId: change.event.id,
            bookingId: booking.bookingId,
            workspaceId: booking.workspaceId,
            currency: booking.currency,
            amountCents: projection.movementCents,
            occurredAt: change.event.occurredAt,
            eventType: change.event.type,
          },
        });
      }
      return 'applied';
    });
  }

  /** The latest event about a workspace wins (by occurredAt): an older one arriving late changes nothing. */
  private async upsertWorkspace(tx: Tx, change: BookingChange): Promise<void> {
    const { workspace, event } = change;
    const hours = workspace.openingHours === null ? null : JSON.stringify(workspace.openingHours);
    await tx.$executeRaw`
      INSERT INTO report_workspaces (workspace_id, name, timezone, opening_hours, updated_at)
      VALUES (${workspace.id}::uuid, ${workspace.name}, ${workspace.timezone}, ${hours}::jsonb, ${event.occurredAt}::timestamptz)
      ON CONFLICT (workspace_id) DO UPDATE
         SET name = EXCLUDED.name, timezone = EXCLUDED.timezone,
             opening_hours = EXCLUDED.opening_hours, updated_at = EXCLUDED.updated_at
       WHERE report_workspaces.updated_at <= EXCLUDED.updated_at`;
  }

  private async inTransaction(event: EventIdentity, work: (tx: Tx) => Promise<EventOutcome>): Promise<EventOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.prisma.$transaction(work, TRANSACTION_OPTIONS);
      } catch (error) {
        const code = postgresErrorCode(error);
        // a twin delivery that committed first: the event is in, and this one is a duplicate
        if ((isUniqueViolation(error) || code === '23505') && (await this.isRecorded(event.id))) return 'duplicate';
        if (attempt < ATTEMPTS && (RETRIABLE.has(code ?? '') || isUniqueViolation(error) || code === '23505')) continue;
        throw error;
      }
    }
  }

  private async isRecorded(eventId: string): Promise<boolean> {
    return (await this.prisma.processedEvent.count({ where: { eventId } })) > 0;
  }
}

function fromRow(row: ReportBooking): ProjectedBooking {
  return {
    bookingId: row.bookingId,
    userId: row.userId,
    workspaceId: row.workspaceId,
    status: row.status,
    startTime: row.startTime,
    endTime: row.endTime,
    attendees: row.attendees,
    priceCents: row.priceCents,
    currency: row.currency,
    paidCents: row.paidCents,
    bookingCreatedAt: row.bookingCreatedAt,
    confirmedAt: row.confirmedAt,
    cancelledAt: row.cancelledAt,
    deletedAt: row.deletedAt,
    lastSequence: Number(row.lastSequence),
  };
}
