import type { EventOutcome } from '@cowork/service-kit';
import { isRetryableTransactionError, isUniqueViolation, recordEventOnce, retryTransaction } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { Prisma, PrismaClient, ReportBooking } from '../generated/prisma/client.js';
import { BookingChange, ProjectedBooking, Projection } from './booking-projection.js';

type Tx = Prisma.TransactionClient;

/** Keeps the per-booking advisory locks apart from any other advisory lock (the kit's migration lock). */
const BOOKING_LOCK_NAMESPACE = 3006;
/** Concurrent deliveries queue for a connection and for each other; a short queue is no failure. */
const TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 30_000 };
/** SQLSTATEs after which the whole transaction may simply run again. */
const ATTEMPTS = 3;

interface EventIdentity {
  id: string;
  type: string;
  source: string;
}

type Project = (current: ProjectedBooking | null, change: BookingChange) => Projection;

/** One event of a batch, checked: a booking change to apply, or an event of a type only to record. */
export type BatchEvent = { kind: 'apply'; change: BookingChange } | { kind: 'record'; event: EventIdentity };

/**
 * The only writer of the read model: each event (or each batch, applyAll) in one transaction with
 * its processed_events row(s).
 */
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
  apply(change: BookingChange, project: Project): Promise<EventOutcome> {
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
        await tx.moneyMovement.create({ data: movementOf(change, booking, projection.movementCents) });
      }
      return 'applied';
    });
  }

  /** The latest event about a workspace wins (by occurredAt): an older one arriving late changes nothing. */
  private async upsertWorkspace(tx: Tx, change: BookingChange): Promise<void> {
    const { workspace, event } = change;
    const hours = openingHoursJson(workspace);
    await tx.$executeRaw`
      INSERT INTO report_workspaces (workspace_id, name, timezone, opening_hours, updated_at)
      VALUES (${workspace.id}::uuid, ${workspace.name}, ${workspace.timezone}, ${hours}::jsonb,
              ${event.occurredAt.toISOString()}::timestamptz)
      ON CONFLICT (workspace_id) DO UPDATE
         SET name = EXCLUDED.name, timezone = EXCLUDED.timezone,
             opening_hours = EXCLUDED.opening_hours, updated_at = EXCLUDED.updated_at
       WHERE report_workspaces.updated_at <= EXCLUDED.updated_at`;
  }

  /**
   * Applies the events of a batch in one transaction, set-based, with the outcome each would have
   * had delivered alone in the order given (parity with recordOnly/apply, event by event): all ids
   * recorded in one INSERT (an id not inserted, or seen earlier in the batch, is 'duplicate'); the
   * advisory locks of the bookings concerned taken in one statement, in the order of their keys
   * (the single path's namespace and hash, so both paths exclude each other and batches cannot
   * deadlock on them); their rows read in one SELECT, after the locks, so the snapshot sees what
   * a concurrent delivery committed; `project` run in memory per event in batch order, carrying
   * each booking's state forward; then bookings, workspaces and money movements written in one
   * statement. A deadlock, serialization failure or unique violation (a twin racing it) runs the
   * whole transaction again (3 attempts in all, kit retryTransaction); past that, or on any other
   * error, it throws, having committed nothing.
   */
  async applyAll(events: readonly BatchEvent[], project: Project): Promise<EventOutcome[]> {
    if (events.length === 0) return [];
    return retryTransaction(
      () => this.prisma.$transaction((tx) => this.applyAllIn(tx, events, project), TRANSACTION_OPTIONS),
      ATTEMPTS,
      isRetriable,
    );
  }

  private async applyAllIn(tx: Tx, events: readonly BatchEvent[], project: Project): Promise<EventOutcome[]> {
    const outcomes: EventOutcome[] = new Array(events.length).fill('duplicate');
    const identities = events.map((e) => (e.kind === 'apply' ? e.change.event : e.event));

    // the first occurrence of an id in the batch is recorded; a later one is its duplicate, as when
    // delivered one after the other. Inserted in id order: two batches cannot deadlock on them.
    const first = new Map<string, number>();
    identities.forEach((event, i) => {
      const id = event.id.toLowerCase();
      if (!first.has(id)) first.set(id, i);
    });
    const recording = [...first.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, i]) => i);
    const inserted = await tx.$queryRaw<{ eventId: string }[]>`
      INSERT INTO processed_events (event_id, type, source)
      SELECT * FROM unnest(${recording.map((i) => identities[i]!.id)}::uuid[],
                           ${recording.map((i) => identities[i]!.type)}::varchar[],
                           ${recording.map((i) => identities[i]!.source)}::varchar[])
      ON CONFLICT (event_id) DO NOTHING
      RETURNING event_id::text AS "eventId"`;
    const isNew = new Set(inserted.map((row) => row.eventId.toLowerCase()));

    const changes: { index: number; change: BookingChange }[] = [];
    events.forEach((event, i) => {
      const id = identities[i]!.id.toLowerCase();
      if (first.get(id) !== i || !isNew.has(id)) return; // 'duplicate'
      if (event.kind === 'record') outcomes[i] = 'ignored';
      else changes.push({ index: i, change: event.change });
    });
    if (changes.length === 0) return outcomes;

    // the lock keys exactly as the single path computes them (hashtext of the id as sent), in order
    const lockKeys = [...new Set(changes.map(({ change }) => change.booking.id))];
    await tx.$executeRaw`
      SELECT pg_advisory_xact_lock(${BOOKING_LOCK_NAMESPACE}::int, locks.key)
        FROM (SELECT DISTINCT hashtext(id) AS key FROM unnest(${lockKeys}::text[]) AS id ORDER BY key) AS locks`;
    const rows = await tx.$queryRaw<BookingRow[]>`
      SELECT ${BOOKING_COLUMNS} FROM report_bookings WHERE booking_id = ANY(${lockKeys}::uuid[])`;
    const state = new Map<string, ProjectedBooking | null>(rows.map((row) => [row.bookingId, fromRow(row)]));

    const bookings = new Map<string, ProjectedBooking>();
    const workspaces = new Map<string, { workspace: BookingChange['workspace']; at: Date }>();
    const movements: MovementRow[] = [];
    for (const { index, change } of changes) {
      const key = change.booking.id.toLowerCase();
      const projection = project(state.get(key) ?? null, change);
      if (projection.kind === 'stale') {
        outcomes[index] = 'ignored';
        continue;
      }
      const booking = projection.booking;
      state.set(key, booking);
      bookings.set(key, booking);
      // the latest event about a workspace wins (by occurredAt; of equal ones, the later in the batch)
      const workspaceKey = change.workspace.id.toLowerCase();
      const described = workspaces.get(workspaceKey);
      if (!described || described.at.getTime() <= change.event.occurredAt.getTime()) {
        workspaces.set(workspaceKey, { workspace: change.workspace, at: change.event.occurredAt });
      }
      if (projection.movementCents !== 0) {
        movements.push(movementOf(change, booking, projection.movementCents));
      }
      outcomes[index] = 'applied';
    }
    if (bookings.size > 0) await this.writeAll(tx, sortedByKey(bookings), sortedByKey(workspaces), movements);
    return outcomes;
  }

  /**
   * The bookings (upserted whole, as `apply` does), their workspaces (each with the batch's latest
   * description, taken only if not older than the stored one) and the money movements: one
   * statement. Rows in key order, so concurrent batches lock workspace rows in the same order.
   */
  private async writeAll(
    tx: Tx,
    bookings: ProjectedBooking[],
    workspaces: { workspace: BookingChange['workspace']; at: Date }[],
    movements: MovementRow[],
  ): Promise<void> {
    const now = new Date().toISOString();
    const column = <T>(pick: (booking: ProjectedBooking) => T) => bookings.map(pick);
    await tx.$executeRaw`
      WITH booking_rows AS (
        INSERT INTO report_bookings
          (booking_id, user_id, workspace_id, status, start_time, end_time, attendees, price_cents, currency,
           paid_cents, booking_created_at, confirmed_at, cancelled_at, deleted_at, last_sequence, updated_at)
        SELECT booking_id, user_id, workspace_id, status::"ReportBookingStatus", start_time, end_time, attendees,
               price_cents, currency, paid_cents, booking_created_at, confirmed_at, cancelled_at, deleted_at,
               last_sequence, ${now}::timestamptz
          FROM unnest(${column((x) => x.bookingId)}::uuid[], ${column((x) => x.userId)}::uuid[],
                      ${column((x) => x.workspaceId)}::uuid[], ${column((x) => x.status)}::text[],
                      ${column((x) => instant(x.startTime))}::timestamptz[], ${column((x) => instant(x.endTime))}::timestamptz[],
                      ${column((x) => x.attendees)}::int[], ${column((x) => x.priceCents)}::int[], ${column((x) => x.currency)}::text[],
                      ${column((x) => x.paidCents)}::int[], ${column((x) => instant(x.bookingCreatedAt))}::timestamptz[],
                      ${column((x) => instant(x.confirmedAt))}::timestamptz[], ${column((x) => instant(x.cancelledAt))}::timestamptz[],
                      ${column((x) => instant(x.deletedAt))}::timestamptz[], ${column((x) => BigInt(x.lastSequence).toString())}::bigint[])
            AS b(booking_id, user_id, workspace_id, status, start_time, end_time, attendees, price_cents, currency,
                 paid_cents, booking_created_at, confirmed_at, cancelled_at, deleted_at, last_sequence)
        ON CONFLICT (booking_id) DO UPDATE
           SET user_id = EXCLUDED.user_id, workspace_id = EXCLUDED.workspace_id, status = EXCLUDED.status,
               start_time = EXCLUDED.start_time, end_time = EXCLUDED.end_time, attendees = EXCLUDED.attendees,
               price_cents = EXCLUDED.price_cents, currency = EXCLUDED.currency, paid_cents = EXCLUDED.paid_cents,
               booking_created_at = EXCLUDED.booking_created_at, confirmed_at = EXCLUDED.confirmed_at,
               cancelled_at = EXCLUDED.cancelled_at, deleted_at = EXCLUDED.deleted_at,
               last_sequence = EXCLUDED.last_sequence, updated_at = EXCLUDED.updated_at
      ), workspace_rows AS (
        INSERT INTO report_workspaces (workspace_id, name, timezone, opening_hours, updated_at)
        SELECT * FROM unnest(${workspaces.map((w) => w.workspace.id)}::uuid[],
                             ${workspaces.map((w) => w.workspace.name)}::varchar[],
                             ${workspaces.map((w) => w.workspace.timezone)}::varchar[],
                             ${workspaces.map((w) => openingHoursJson(w.workspace))}::jsonb[],
                             ${workspaces.map((w) => instant(w.at))}::timestamptz[])
        ON CONFLICT (workspace_id) DO UPDATE
           SET name = EXCLUDED.name, timezone = EXCLUDED.timezone,
               opening_hours = EXCLUDED.opening_hours, updated_at = EXCLUDED.updated_at
         WHERE report_workspaces.updated_at <= EXCLUDED.updated_at
      ), movement_rows AS (
        INSERT INTO money_movements
          (event_id, booking_id, workspace_id, currency, amount_cents, occurred_at, event_type)
        SELECT * FROM unnest(${movements.map((m) => m.eventId)}::uuid[], ${movements.map((m) => m.bookingId)}::uuid[],
                             ${movements.map((m) => m.workspaceId)}::uuid[], ${movements.map((m) => m.currency)}::text[],
                             ${movements.map((m) => m.amountCents)}::int[],
                             ${movements.map((m) => instant(m.occurredAt))}::timestamptz[],
                             ${movements.map((m) => m.eventType)}::varchar[])
      )
      SELECT 1`;
  }

  private async inTransaction(event: EventIdentity, work: (tx: Tx) => Promise<EventOutcome>): Promise<EventOutcome> {
    try {
      return await retryTransaction(() => this.prisma.$transaction(work, TRANSACTION_OPTIONS), ATTEMPTS, isRetriable);
    } catch (error) {
      // a twin delivery that committed first: the event is in, and this one is a duplicate
      if (isUniqueViolation(error) && (await this.isRecorded(event.id))) return 'duplicate';
      throw error;
    }
  }

  private async isRecorded(eventId: string): Promise<boolean> {
    return (await this.prisma.processedEvent.count({ where: { eventId } })) > 0;
  }
}

/** A rerun may succeed: a deadlock, a serialization failure, or a twin delivery's unique violation. */
function isRetriable(error: unknown): boolean {
  return isRetryableTransactionError(error) || isUniqueViolation(error);
}

interface MovementRow {
  eventId: string;
  bookingId: string;
  workspaceId: string;
  currency: string;
  amountCents: number;
  occurredAt: Date;
  eventType: string;
}

/** report_bookings as `fromRow` reads it; booking_id lower case (uuid's text). */
type BookingRow = Omit<ReportBooking, 'updatedAt'>;
const BOOKING_COLUMNS = Prisma.raw(
  `booking_id::text AS "bookingId", user_id::text AS "userId", workspace_id::text AS "workspaceId",
   status::text AS status, start_time AS "startTime", end_time AS "endTime", attendees, price_cents AS "priceCents",
   currency, paid_cents AS "paidCents", booking_created_at AS "bookingCreatedAt", confirmed_at AS "confirmedAt",
   cancelled_at AS "cancelledAt", deleted_at AS "deletedAt", last_sequence AS "lastSequence"`,
);

/**
 * An instant as an ISO string with its offset, for `::timestamptz`: a Date parameter reaches
 * PostgreSQL as UTC text without one, which would be read in the session's time zone.
 */
function instant(value: Date | null): string | null {
  return value?.toISOString() ?? null;
}

function openingHoursJson(workspace: BookingChange['workspace']): string | null {
  return workspace.openingHours === null ? null : JSON.stringify(workspace.openingHours);
}

function sortedByKey<T>(rows: Map<string, T>): T[] {
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

function fromRow(row: BookingRow): ProjectedBooking {
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

/** The money movement an applied event records (its amount as projected). */
function movementOf(
  change: BookingChange,
  booking: { bookingId: string; workspaceId: string; currency: string },
  amountCents: number,
) {
  return {
    eventId: change.event.id,
    bookingId: booking.bookingId,
    workspaceId: booking.workspaceId,
    currency: booking.currency,
    amountCents,
    occurredAt: change.event.occurredAt,
    eventType: change.event.type,
  };
}
