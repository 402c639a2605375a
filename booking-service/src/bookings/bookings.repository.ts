import {
  AdminAction,
  afterCursor,
  isUniqueViolation,
  KeysetCursor,
  postgresErrorCode,
  recordAdminAction,
  retryTransaction,
} from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { Booking, Prisma, PrismaClient } from '../generated/prisma/client.js';
import { BookingStatus } from '../generated/prisma/enums.js';
import { BookingEventType, bookingEventPayload, BOOKING_EVENT_SCHEMA_VERSION, EventDetails } from './booking-events.js';
import { BookingConflictError } from './bookings.errors.js';
import { OutboxWriter } from '../outbox/outbox-writer.js';

/** Statuses that hold the slot (the exclusion constraint's predicate). */
export const ACTIVE_STATUSES: BookingStatus[] = [BookingStatus.PENDING, BookingStatus.CONFIRMED];

export type NewBooking = Omit<Prisma.BookingUncheckedCreateInput, 'status' | 'version' | 'createdAt' | 'updatedAt'>;

export interface BookingFilter {
  userId?: string;
  workspaceId?: string;
  status?: BookingStatus;
  from?: Date;
  to?: Date;
}

export type CreateOutcome = { kind: 'created'; booking: Booking } | { kind: 'duplicate-key' };

type Tx = Prisma.TransactionClient;

/**
 * Bookings and their outbox. Every state change and its event are written in one transaction;
 * overlaps are refused by the database (SQLSTATE 23P01), never by a read-then-insert.
 */
@Injectable()
export class BookingsRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly outbox: OutboxWriter,
  ) {}

  findById(id: string): Promise<Booking | null> {
    return this.prisma.booking.findUnique({ where: { id } });
  }

  findByIdempotencyKey(createdBy: string, idempotencyKey: string): Promise<Booking | null> {
    return this.prisma.booking.findUnique({ where: { createdBy_idempotencyKey: { createdBy, idempotencyKey } } });
  }

  async create(data: NewBooking, actorId: string): Promise<CreateOutcome> {
    try {
      const booking = await retryTransaction(() =>
        this.prisma.$transaction(async (tx) => {
          const row = await tx.booking.create({ data: { ...data, status: BookingStatus.PENDING } });
          await this.appendEvent(tx, 'booking.created', row, actorId);
          return row;
        }),
      );
      return { kind: 'created', booking };
    } catch (error) {
      if (isUniqueViolation(error, ['idempotency_key']) || isUniqueViolation(error, ['idempotencyKey'])) {
        return { kind: 'duplicate-key' };
      }
      throw mapOverlap(error);
    }
  }

  /**
   * Applies `data` if the booking is still at `version` and in one of `from`; the event is written
   * in the same transaction. null when someone else changed it first.
   */
  async transition(
    booking: Booking,
    from: BookingStatus[],
    data: Prisma.BookingUpdateManyMutationInput,
    event: BookingEventType | undefined,
    actorId: string,
    details: EventDetails = {},
    audit?: Omit<AdminAction, 'after'>,
  ): Promise<Booking | null> {
    try {
      return await retryTransaction(() =>
        this.prisma.$transaction(async (tx) => {
          const { count } = await tx.booking.updateMany({
            where: { id: booking.id, version: booking.version, status: { in: from } },
            data: { ...data, version: { increment: 1 } },
          });
          if (count === 0) return null;
          const updated = await tx.booking.findUniqueOrThrow({ where: { id: booking.id } });
          if (event) {
            await this.appendEvent(
              tx,
              event,
              updated,
              actorId,
              event === 'booking.rescheduled' ? { ...details, previous: booking } : details,
            );
          }
          if (audit) await recordAdminAction(tx, { ...audit, after: bookingEventPayload(updated, actorId).booking });
          return updated;
        }),
      );
    } catch (error) {
      throw mapOverlap(error);
    }
  }

  /** Removes the booking (an admin action: audited); the event keeps its last state. false when it changed or went first. */
  async delete(booking: Booking, actorId: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.booking.deleteMany({ where: { id: booking.id, version: booking.version } });
      if (count === 0) return false;
      await this.appendEvent(tx, 'booking.deleted', booking, actorId);
      await recordAdminAction(tx, {
        action: 'booking.deleted',
        targetType: 'booking',
        targetId: booking.id,
        actorId,
        before: bookingEventPayload(booking, actorId).booking,
      });
      return true;
    });
  }

  /** Bookings (any status) per user, for the given users. */
  async countByUser(userIds: string[]): Promise<Map<string, number>> {
    const rows = await this.prisma.booking.groupBy({
      by: ['userId'],
      where: { userId: { in: userIds } },
      _count: { _all: true },
    });
    return new Map(rows.map((r) => [r.userId, r._count._all]));
  }

  /** Newest first; one extra row tells whether there is a next page. */
  list(filter: BookingFilter, limit: number, cursor?: KeysetCursor): Promise<Booking[]> {
    return this.prisma.booking.findMany({
      where: {
        AND: [
          afterCursor(cursor),
          filter.userId ? { userId: filter.userId } : {},
          filter.workspaceId ? { workspaceId: filter.workspaceId } : {},
          filter.status ? { status: filter.status } : {},
          filter.from ? { endTime: { gt: filter.from } } : {},
          filter.to ? { startTime: { lt: filter.to } } : {},
        ],
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
  }

  /**
   * Active bookings of a workspace that overlap [from, to), by start. Written as the exclusion
   * constraint's own expression and predicate so PostgreSQL answers it from that GiST index: a
   * plain `start_time < to AND end_time > from` walks the workspace's whole history (at 1M
   * bookings 50 ms instead of 0.05 ms, see bench/README.md).
   */
  activeOverlapping(workspaceId: string, from: Date, to: Date): Promise<Pick<Booking, 'startTime' | 'endTime'>[]> {
    return this.prisma.$queryRaw<Pick<Booking, 'startTime' | 'endTime'>[]>`
      SELECT start_time AS "startTime", end_time AS "endTime"
      FROM bookings
      WHERE workspace_id = ${workspaceId}::uuid
        AND status IN ('PENDING', 'CONFIRMED')
        AND tstzrange(start_time, end_time, '[)') && tstzrange(${from}::timestamptz, ${to}::timestamptz, '[)')
      ORDER BY start_time`;
  }

  /** Records money that moved for a booking, with its event, at the version read. */
  async recordRefund(booking: Booking, refundedCents: number, actorId: string): Promise<Booking | null> {
    return this.transition(
      booking,
      [booking.status],
      {
        paidCents: { decrement: refundedCents },
        refundDueCents: { decrement: Math.min(refundedCents, booking.refundDueCents) },
      },
      'refund.issued',
      actorId,
      { refundCents: refundedCents },
    );
  }

  /** Money captured for a booking that it must give back (a charge whose change did not happen). */
  async recordOwed(bookingId: string, amountCents: number): Promise<void> {
    await this.prisma.booking.update({
      where: { id: bookingId },
      data: {
        paidCents: { increment: amountCents },
        refundDueCents: { increment: amountCents },
        version: { increment: 1 },
      },
    });
  }

  /**
   * PENDING bookings whose hold ran out, oldest first. Several sweepers may read the same rows:
   * every change is a versioned transition, so only one of them moves each booking.
   */
  expiredHolds(limit: number): Promise<Booking[]> {
    return this.prisma.booking.findMany({
      where: { status: BookingStatus.PENDING, holdExpiresAt: { lt: new Date() } },
      orderBy: { holdExpiresAt: 'asc' },
      take: limit,
    });
  }

  /** Bookings owed a refund, or whose charge outcome was unknown when they were released. */
  moneyDue(limit: number): Promise<Booking[]> {
    return this.prisma.booking.findMany({
      where: { OR: [{ refundDueCents: { gt: 0 } }, { paymentUnresolved: true }] },
      orderBy: { updatedAt: 'asc' },
      take: limit,
    });
  }

  private async appendEvent(
    tx: Tx,
    type: BookingEventType,
    booking: Booking,
    actorId: string,
    details: EventDetails = {},
  ): Promise<void> {
    await this.outbox.append(tx, {
      type,
      aggregateId: booking.id,
      schemaVersion: BOOKING_EVENT_SCHEMA_VERSION,
      payload: bookingEventPayload(booking, actorId, details),
    });
  }
}

/** SQLSTATE 23P01 (exclusion_violation) from bookings_no_overlap is a booking conflict. */
function mapOverlap(error: unknown): unknown {
  return postgresErrorCode(error) === '23P01' ? new BookingConflictError() : error;
}
