import {
  AdminAction,
  HotPathSql,
  afterCursor,
  KeysetCursor,
  isUniqueViolation,
  postgresErrorCode,
  recordAdminAction,
  retryTransaction,
} from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { Booking, Prisma, PrismaClient } from '../generated/prisma/client.js';
import { BookingStatus } from '../generated/prisma/enums.js';
import { BookingEventType, bookingEventPayload, BOOKING_EVENT_SCHEMA_VERSION, EventDetails } from './booking-events.js';
import { BookingConflictError } from './bookings.errors.js';
import { inTransaction, NewOutboxEvent, OutboxWriter, SqlRunner } from '../outbox/outbox-writer.js';

/** Statuses that hold the slot (the exclusion constraint's predicate). */
export const ACTIVE_STATUSES: BookingStatus[] = [BookingStatus.PENDING, BookingStatus.CONFIRMED];

/** What the service decides for a new booking; the rest starts at its default (see `newBookingRow`). */
export type NewBooking = Pick<
  Booking,
  | 'id'
  | 'userId'
  | 'workspaceId'
  | 'startTime'
  | 'endTime'
  | 'attendees'
  | 'priceCents'
  | 'currency'
  | 'createdBy'
  | 'idempotencyKey'
  | 'requestHash'
  | 'userEmail'
  | 'userFullName'
  | 'workspaceName'
  | 'workspaceTimezone'
  | 'workspaceOpeningHours'
  | 'paymentMethod'
  | 'holdExpiresAt'
>;

/**
 * What a transition may set. Values only, no increments: a transition applies at the version it
 * read, so the new row is the old one plus these values, known before it is written (and its
 * event written in the same statement).
 */
export type BookingChange = Partial<
  Pick<
    Booking,
    | 'status'
    | 'startTime'
    | 'endTime'
    | 'priceCents'
    | 'paidCents'
    | 'refundDueCents'
    | 'holdExpiresAt'
    | 'declineCode'
    | 'paymentUnresolved'
    | 'confirmedAt'
    | 'cancelledAt'
  >
>;

/** Every column of bookings under the field names of Prisma's Booking, for raw SELECTs. */
const BOOKING_COLUMNS = Prisma.raw(
  `id::text AS id, user_id::text AS "userId", workspace_id::text AS "workspaceId", start_time AS "startTime",
   end_time AS "endTime", attendees, status::text AS status, price_cents AS "priceCents", currency,
   created_by::text AS "createdBy", idempotency_key AS "idempotencyKey", request_hash AS "requestHash",
   user_email AS "userEmail", user_full_name AS "userFullName", workspace_name AS "workspaceName",
   workspace_timezone AS "workspaceTimezone", workspace_opening_hours AS "workspaceOpeningHours",
   payment_method AS "paymentMethod", hold_expires_at AS "holdExpiresAt", paid_cents AS "paidCents",
   refund_due_cents AS "refundDueCents", decline_code AS "declineCode", payment_unresolved AS "paymentUnresolved",
   version, confirmed_at AS "confirmedAt", cancelled_at AS "cancelledAt", created_at AS "createdAt",
   updated_at AS "updatedAt"`,
);

/** Column and SQL type of every field a transition may set. */
const CHANGE_COLUMNS: Record<keyof BookingChange, [column: string, type: string]> = {
  status: ['status', '"BookingStatus"'],
  startTime: ['start_time', 'timestamptz'],
  endTime: ['end_time', 'timestamptz'],
  priceCents: ['price_cents', 'int'],
  paidCents: ['paid_cents', 'int'],
  refundDueCents: ['refund_due_cents', 'int'],
  holdExpiresAt: ['hold_expires_at', 'timestamptz'],
  declineCode: ['decline_code', 'varchar'],
  paymentUnresolved: ['payment_unresolved', 'boolean'],
  confirmedAt: ['confirmed_at', 'timestamptz'],
  cancelledAt: ['cancelled_at', 'timestamptz'],
};

export interface BookingFilter {
  userId?: string;
  workspaceId?: string;
  status?: BookingStatus;
  from?: Date;
  to?: Date;
}

export type CreateOutcome = { kind: 'created'; booking: Booking } | { kind: 'duplicate-key' };

/**
 * Bookings and their outbox. Every state change and its event are written in one transaction;
 * overlaps are refused by the database (SQLSTATE 23P01), never by a read-then-insert.
 */
@Injectable()
export class BookingsRepository {
  constructor(
    private readonly prisma: PrismaClient,
    /** the statements every create runs (key lookup, insert, confirmation): straight on the driver */
    private readonly sql: HotPathSql,
    private readonly outbox: OutboxWriter,
  ) {}

  findById(id: string): Promise<Booking | null> {
    return this.prisma.booking.findUnique({ where: { id } });
  }

  /** Every create asks it first: raw SQL on the driver (HotPathSql), under Prisma's field names. */
  async findByIdempotencyKey(createdBy: string, idempotencyKey: string): Promise<Booking | null> {
    const [row] = await this.sql.query<Booking>(Prisma.sql`
      SELECT ${BOOKING_COLUMNS} FROM bookings
      WHERE created_by = ${createdBy}::uuid AND idempotency_key = ${idempotencyKey}`);
    return row ?? null;
  }

  /**
   * The booking (PENDING) and its booking.created event in one statement. A taken slot is
   * BookingConflictError (the exclusion constraint); a (createdBy, key) already used is
   * 'duplicate-key'.
   */
  async create(data: NewBooking, actorId: string): Promise<CreateOutcome> {
    const row = newBookingRow(data, new Date());
    try {
      await retryTransaction(() =>
        this.outbox.writeWithEvent(
          this.sql,
          Prisma.sql`
            INSERT INTO bookings (id, user_id, workspace_id, start_time, end_time, attendees, status, price_cents,
              currency, created_by, idempotency_key, request_hash, user_email, user_full_name, workspace_name,
              workspace_timezone, workspace_opening_hours, payment_method, hold_expires_at, paid_cents,
              refund_due_cents, payment_unresolved, version, created_at, updated_at)
            VALUES (${row.id}::uuid, ${row.userId}::uuid, ${row.workspaceId}::uuid, ${instant(row.startTime)}::timestamptz,
              ${instant(row.endTime)}::timestamptz, ${row.attendees}, 'PENDING', ${row.priceCents}, ${row.currency},
              ${row.createdBy}::uuid, ${row.idempotencyKey}, ${row.requestHash}, ${row.userEmail},
              ${row.userFullName}, ${row.workspaceName}, ${row.workspaceTimezone},
              ${jsonOrNull(row.workspaceOpeningHours)}::jsonb, ${row.paymentMethod},
              ${instant(row.holdExpiresAt)}::timestamptz, 0, 0, false, 1, ${instant(row.createdAt)}::timestamptz,
              ${instant(row.updatedAt)}::timestamptz)
            RETURNING id`,
          this.event('booking.created', row, actorId),
        ),
      );
      return { kind: 'created', booking: row };
    } catch (error) {
      if (isUniqueViolation(error)) return { kind: 'duplicate-key' };
      throw mapOverlap(error);
    }
  }

  /**
   * Applies `change` if the booking is still at its version and in one of `from`, with its event
   * in the same statement (and the audit entry in the same transaction). null when someone else
   * changed it first.
   */
  async transition(
    booking: Booking,
    from: BookingStatus[],
    change: BookingChange,
    event: BookingEventType | undefined,
    actorId: string,
    details: EventDetails = {},
    audit?: Omit<AdminAction, 'after'>,
  ): Promise<Booking | null> {
    const updated: Booking = { ...booking, ...change, version: booking.version + 1, updatedAt: new Date() };
    const sets = Object.entries(change).map(([field, value]) => {
      const [column, type] = CHANGE_COLUMNS[field as keyof BookingChange];
      return Prisma.sql`${Prisma.raw(column)} = ${value instanceof Date ? instant(value) : value}::${Prisma.raw(type)}`;
    });
    const statement = Prisma.sql`
      UPDATE bookings SET ${Prisma.join(sets)}, version = version + 1, updated_at = ${instant(updated.updatedAt)}::timestamptz
      WHERE id = ${booking.id}::uuid AND version = ${booking.version}
        AND status::text IN (${Prisma.join(from)})
      RETURNING id`;
    const outboxEvent = event
      ? this.event(
          event,
          updated,
          actorId,
          event === 'booking.rescheduled' ? { ...details, previous: booking } : details,
        )
      : undefined;
    const write = async (db: SqlRunner) => (await this.outbox.writeWithEvent(db, statement, outboxEvent)) > 0;
    try {
      const written = await retryTransaction(() =>
        audit
          ? this.prisma.$transaction(async (tx) => {
              if (!(await write(inTransaction(tx)))) return false;
              await recordAdminAction(tx, { ...audit, after: bookingEventPayload(updated, actorId).booking });
              return true;
            })
          : write(this.sql),
      );
      return written ? updated : null;
    } catch (error) {
      throw mapOverlap(error);
    }
  }

  /** Removes the booking (an admin action: audited); the event keeps its last state. false when it changed or went first. */
  async delete(booking: Booking, actorId: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.booking.deleteMany({ where: { id: booking.id, version: booking.version } });
      if (count === 0) return false;
      await this.outbox.append(inTransaction(tx), this.event('booking.deleted', booking, actorId));
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
        AND tstzrange(start_time, end_time, '[)') && tstzrange(${instant(from)}::timestamptz, ${instant(to)}::timestamptz, '[)')
      ORDER BY start_time`;
  }

  /** Records money that moved for a booking, with its event, at the version read. */
  async recordRefund(booking: Booking, refundedCents: number, actorId: string): Promise<Booking | null> {
    return this.transition(
      booking,
      [booking.status],
      {
        paidCents: booking.paidCents - refundedCents,
        refundDueCents: booking.refundDueCents - Math.min(refundedCents, booking.refundDueCents),
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

  private event(type: BookingEventType, booking: Booking, actorId: string, details: EventDetails = {}): NewOutboxEvent {
    return {
      type,
      aggregateId: booking.id,
      schemaVersion: BOOKING_EVENT_SCHEMA_VERSION,
      payload: bookingEventPayload(booking, actorId, details),
    };
  }
}

/** The row a new booking becomes: what the service decided, every other column at its default. */
export function newBookingRow(data: NewBooking, now: Date): Booking {
  return {
    ...data,
    status: BookingStatus.PENDING,
    paidCents: 0,
    refundDueCents: 0,
    declineCode: null,
    paymentUnresolved: false,
    version: 1,
    confirmedAt: null,
    cancelledAt: null,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * An instant as an ISO string with its offset: a Date parameter reaches PostgreSQL as UTC text
 * without one, which `::timestamptz` would read in the session's time zone.
 */
function instant(value: Date | null): string | null {
  return value?.toISOString() ?? null;
}

function jsonOrNull(value: Prisma.JsonValue | null): string | null {
  return value === null ? null : JSON.stringify(value);
}

/** SQLSTATE 23P01 (exclusion_violation) from bookings_no_overlap is a booking conflict. */
function mapOverlap(error: unknown): unknown {
  return postgresErrorCode(error) === '23P01' ? new BookingConflictError() : error;
}
