import {
  decodeCursor,
  requestFingerprint,
  requireIdempotencyKey,
  DependencyUnavailableError,
  ForbiddenError,
  IdempotencyKeyReusedError,
  IdempotentRequestInFlightError,
  isAdmin,
  Page,
  toPage,
  UserPrincipal,
  uuidv7,
} from '@cowork/service-kit';
import { checkBookingRules, priceForRange } from '@cowork/workspace-rules';
import { Injectable } from '@nestjs/common';
import { BookingUser, UserClient } from '../clients/user.client.js';
import { Workspace, WorkspaceClient } from '../clients/workspace.client.js';
import { Prisma, type Booking } from '../generated/prisma/client.js';
import { BookingStatus } from '../generated/prisma/enums.js';
import {
  BookingConflictError,
  BookingModifiedError,
  BookingNotFoundError,
  BookingRuleError,
  InvalidBookingStateError,
  InvalidTimeRangeError,
  StartInPastError,
} from './bookings.errors.js';
import { bookingEventPayload } from './booking-events.js';
import { BookingRepricing } from './booking-repricing.js';
import { BookingSettlement, PaymentDeclinedError } from './booking-settlement.js';
import { ACTIVE_STATUSES, BookingsRepository } from './bookings.repository.js';
import { BookingDto } from './dto/booking.dto.js';
import { CreateBookingDto, ListBookingsQuery, RescheduleBookingDto } from './dto/booking-requests.dto.js';

export interface TimeRange {
  start: Date;
  end: Date;
}

export interface CreateResult {
  booking: BookingDto;
  /** true when this was a replay of an earlier request with the same Idempotency-Key */
  replayed: boolean;
  /** 201 confirmed (or a replay of a settled booking); 202 held, payment not settled yet */
  httpStatus: 201 | 202;
}

/** A version conflict is retried this many times before the client hears BOOKING_MODIFIED. */
const MAX_ATTEMPTS = 3;

@Injectable()
export class BookingsService {
  constructor(
    private readonly bookings: BookingsRepository,
    private readonly users: UserClient,
    private readonly workspaces: WorkspaceClient,
    private readonly settlement: BookingSettlement,
    private readonly repricing: BookingRepricing,
  ) {}

  /**
   * Idempotent on (caller, Idempotency-Key): the same key and body return the booking made the
   * first time; the same key with another body is 422. Validation happens before anything is
   * written, so an unavailable dependency leaves no row behind.
   */
  async create(
    principal: UserPrincipal,
    input: CreateBookingDto,
    idempotencyKeyHeader: string | undefined,
  ): Promise<CreateResult> {
    const idempotencyKey = requireIdempotencyKey(idempotencyKeyHeader);
    const userId = input.userId ?? principal.userId;
    if (userId !== principal.userId && !isAdmin(principal))
      throw new ForbiddenError('Only admins may book for another user');
    const range = parseRange(input.startTime, input.endTime);
    const attendees = input.attendees ?? 1;
    // normalised: the same instants in other notations, or the id in upper case, are the same request
    const requestHash = requestFingerprint({
      userId,
      workspaceId: input.workspaceId.toLowerCase(),
      startTime: range.start.toISOString(),
      endTime: range.end.toISOString(),
      attendees,
      paymentMethod: input.paymentMethod ?? null,
    });

    const earlier = await this.bookings.findByIdempotencyKey(principal.userId, idempotencyKey);
    if (earlier) return this.replay(earlier, requestHash, principal.userId);
    if (range.start.getTime() < Date.now()) throw new StartInPastError();

    const { user, workspace } = await this.checkRequest(userId, input.workspaceId, range, attendees);
    const outcome = await this.bookings
      .create(
        {
          id: uuidv7(),
          userId,
          workspaceId: workspace.id,
          startTime: range.start,
          endTime: range.end,
          attendees,
          priceCents: priceForRange(workspace.hourlyRateCents, range.start, range.end),
          currency: workspace.currency,
          createdBy: principal.userId,
          idempotencyKey,
          requestHash,
          userEmail: user.email,
          userFullName: user.fullName,
          workspaceName: workspace.name,
          workspaceTimezone: workspace.timezone,
          workspaceOpeningHours: (workspace.openingHours as Prisma.JsonValue | null) ?? null,
          paymentMethod: input.paymentMethod ?? 'pm_card_visa',
          holdExpiresAt: this.settlement.holdExpiry(),
        },
        principal.userId,
      )
      .catch((error: unknown) => {
        if (error instanceof BookingConflictError) return { kind: 'conflict' as const };
        throw error;
      });
    if (outcome.kind === 'created') return this.settle(outcome.booking, principal.userId, false);
    // A concurrent twin with the same key got there first (its insert may even have taken the
    // slot before our key check ran): answer as its replay. Otherwise it is a real overlap.
    const twin = await this.bookings.findByIdempotencyKey(principal.userId, idempotencyKey);
    if (twin) return this.replay(twin, requestHash, principal.userId);
    throw new BookingConflictError();
  }

  /**
   * A replay answers as the booking stands: settled ones as they settled (a declined one 402
   * again); a PENDING one drives the charge forward with the same key, so it cannot pay twice.
   */
  private async replay(earlier: Booking, requestHash: string, actorId: string): Promise<CreateResult> {
    if (earlier.requestHash !== requestHash) throw new IdempotencyKeyReusedError();
    if (earlier.status === BookingStatus.PAYMENT_FAILED) {
      throw new PaymentDeclinedError(earlier, earlier.declineCode ?? 'declined', 'The payment was declined');
    }
    return this.settle(earlier, actorId, true);
  }

  private async settle(booking: Booking, actorId: string, replayed: boolean): Promise<CreateResult> {
    const settled = await this.settlement.charge(booking, actorId).catch((error: unknown) => {
      // an earlier attempt of this very charge is still at payment-service (e.g. our own retry
      // after a timeout): the booking is held as when payment-service is slow, so 202
      if (error instanceof IdempotentRequestInFlightError) return undefined;
      throw error;
    });
    return settled
      ? { booking: BookingDto.from(settled), replayed, httpStatus: 201 }
      : { booking: BookingDto.from(booking), replayed, httpStatus: 202 };
  }

  async get(principal: UserPrincipal, id: string): Promise<BookingDto> {
    return BookingDto.from(await this.visibleTo(principal, id));
  }

  async list(principal: UserPrincipal, query: ListBookingsQuery): Promise<Page<BookingDto>> {
    const userId = isAdmin(principal) ? query.userId : principal.userId;
    if (!isAdmin(principal) && query.userId && query.userId !== principal.userId) {
      throw new ForbiddenError('Members can list only their own bookings');
    }
    const rows = await this.bookings.list(
      {
        userId,
        workspaceId: query.workspaceId,
        status: query.status,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
      },
      query.limit,
      decodeCursor(query.cursor),
    );
    return toPage(rows, query.limit, BookingDto.from);
  }

  /**
   * Retries the charge of a PENDING booking (same key: never charged twice) and confirms it.
   * Idempotent: confirming a confirmed booking returns it unchanged. Still no answer from
   * payment-service: 503, the booking stays held until its hold expires.
   */
  confirm(principal: UserPrincipal, id: string): Promise<BookingDto> {
    return this.change(principal, id, async (booking) => {
      if (booking.status === BookingStatus.CONFIRMED) return booking;
      if (booking.status !== BookingStatus.PENDING) throw new InvalidBookingStateError(booking.status, 'confirmed');
      if (booking.holdExpiresAt && booking.holdExpiresAt.getTime() <= Date.now()) {
        const released = await this.settlement.expireHold(booking);
        if (released?.status === BookingStatus.CONFIRMED) return released;
        throw new InvalidBookingStateError(BookingStatus.EXPIRED, 'confirmed');
      }
      const settled = await this.settlement.charge(booking, principal.userId);
      if (!settled) throw new DependencyUnavailableError('payment-service', 5, 'the charge could not be settled');
      return settled;
    });
  }

  /**
   * Frees the slot and refunds by policy (all of it up to CANCELLATION_FULL_REFUND_HOURS before
   * the start, nothing after). The booking is CANCELLED in the same transaction that records the
   * refund owed; the refund is then paid, or retried by the sweeper. Idempotent: cancelling a
   * cancelled booking returns it unchanged.
   */
  async cancel(principal: UserPrincipal, id: string): Promise<BookingDto> {
    const cancelled = await this.changeRow(principal, id, async (booking) => {
      if (booking.status === BookingStatus.CANCELLED) return booking;
      if (!ACTIVE_STATUSES.includes(booking.status)) throw new InvalidBookingStateError(booking.status, 'cancelled');
      const refund = this.settlement.refundOnCancel(booking);
      return this.bookings.transition(
        booking,
        ACTIVE_STATUSES,
        {
          status: BookingStatus.CANCELLED,
          cancelledAt: new Date(),
          holdExpiresAt: null,
          refundDueCents: refund,
          // a PENDING booking's charge may still land: reconcile it later
          paymentUnresolved: booking.status === BookingStatus.PENDING && booking.priceCents > 0,
        },
        'booking.cancelled',
        principal.userId,
        { refundCents: refund },
        // an admin cancelling someone else's booking is an admin action
        booking.userId === principal.userId
          ? undefined
          : {
              action: 'booking.cancelled',
              targetType: 'booking',
              targetId: booking.id,
              actorId: principal.userId,
              before: bookingEventPayload(booking, principal.userId).booking,
            },
      );
    });
    return BookingDto.from(await this.settlement.payRefundDue(cancelled, principal.userId));
  }

  /**
   * New times, same checks as a new booking, one atomic UPDATE: the exclusion constraint compares
   * the new range with every other active booking (never with the booking itself).
   * Idempotent: asking for the times it already has changes nothing.
   */
  async reschedule(principal: UserPrincipal, id: string, input: RescheduleBookingDto): Promise<BookingDto> {
    const moved = await this.changeRow(principal, id, async (booking) => {
      if (booking.status === BookingStatus.PENDING) {
        throw new InvalidBookingStateError(
          booking.status,
          'rescheduled before its payment settles (POST /bookings/:id/confirm)',
        );
      }
      if (booking.status !== BookingStatus.CONFIRMED) throw new InvalidBookingStateError(booking.status, 'rescheduled');
      const range = parseRange(
        input.startTime ?? booking.startTime.toISOString(),
        input.endTime ?? booking.endTime.toISOString(),
      );
      if (range.start.getTime() === booking.startTime.getTime() && range.end.getTime() === booking.endTime.getTime()) {
        return booking;
      }
      if (range.start.getTime() < Date.now()) throw new StartInPastError();
      const { workspace } = await this.checkRequest(booking.userId, booking.workspaceId, range, booking.attendees);
      const priceCents = priceForRange(workspace.hourlyRateCents, range.start, range.end);
      return this.repricing.move(booking, range, priceCents, principal.userId);
    });
    return BookingDto.from(await this.settlement.payRefundDue(moved, principal.userId));
  }

  /**
   * Admin only; only a booking that is no longer active and holds no money: cancelled, declined
   * or expired, with nothing captured, owed or unresolved.
   */
  async delete(principal: UserPrincipal, id: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const booking = await this.visibleTo(principal, id);
      if (ACTIVE_STATUSES.includes(booking.status)) throw new InvalidBookingStateError(booking.status, 'deleted');
      if (booking.paidCents > 0 || booking.refundDueCents > 0 || booking.paymentUnresolved) {
        throw new InvalidBookingStateError(booking.status, 'deleted while it holds money');
      }
      if (await this.bookings.delete(booking, principal.userId)) return;
      if (attempt >= MAX_ATTEMPTS) throw new BookingModifiedError();
    }
  }

  /** The user may book and the workspace's rules accept the request. Both asked at once. */
  private async checkRequest(
    userId: string,
    workspaceId: string,
    range: TimeRange,
    attendees: number,
  ): Promise<{ user: BookingUser; workspace: Workspace }> {
    const [user, workspace] = await Promise.all([this.users.activeUser(userId), this.workspaces.get(workspaceId)]);
    const breach = checkBookingRules(workspace, { ...range, attendees });
    if (breach) throw new BookingRuleError(breach);
    return { user, workspace };
  }

  /** Members see only their own bookings; to them, anyone else's does not exist. */
  private async visibleTo(principal: UserPrincipal, id: string): Promise<Booking> {
    const booking = await this.bookings.findById(id);
    if (!booking || (!isAdmin(principal) && booking.userId !== principal.userId)) throw new BookingNotFoundError(id);
    return booking;
  }

  private async change(
    principal: UserPrincipal,
    id: string,
    apply: (booking: Booking) => Promise<Booking | null>,
  ): Promise<BookingDto> {
    return BookingDto.from(await this.changeRow(principal, id, apply));
  }

  /** Read, decide, write at the version read; on a concurrent change, read again. */
  private async changeRow(
    principal: UserPrincipal,
    id: string,
    apply: (booking: Booking) => Promise<Booking | null>,
  ): Promise<Booking> {
    for (let attempt = 1; ; attempt++) {
      const booking = await this.visibleTo(principal, id);
      const result = await apply(booking);
      if (result) return result;
      if (attempt >= MAX_ATTEMPTS) throw new BookingModifiedError();
    }
  }
}

export function parseRange(startTime: string, endTime: string): TimeRange {
  const start = new Date(startTime);
  const end = new Date(endTime);
  if (start.getTime() % 60_000 !== 0 || end.getTime() % 60_000 !== 0) {
    throw new InvalidTimeRangeError('startTime and endTime must be on whole minutes');
  }
  if (end <= start) throw new InvalidTimeRangeError('endTime must be after startTime');
  return { start, end };
}
