import { DomainError, UserPrincipal } from '@cowork/service-kit';
import { randomUUID } from 'node:crypto';
import type { BookingUser, UserClient } from '../clients/user.client.js';
import type { Workspace, WorkspaceClient } from '../clients/workspace.client.js';
import type { PaymentClient } from '../clients/payment.client.js';
import type { BookingServiceConfig } from '../config.js';
import type { Booking } from '../generated/prisma/client.js';
import { BookingStatus } from '../generated/prisma/enums.js';
import type { BookingRepricing } from './booking-repricing.js';
import { AdminClient } from '../clients/admin.client.js';
import { PlatformSettings } from '../settings/platform-settings.js';
import { BookingSettlement, chargeKey, PaymentDeclinedError } from './booking-settlement.js';
import { BookingConflictError } from './bookings.errors.js';
import type { BookingsRepository, CreateOutcome, NewBooking } from './bookings.repository.js';
import { BookingsService, parseRange } from './bookings.service.js';
import type { CreateBookingDto } from './dto/booking-requests.dto.js';

/** The part of the repository create() uses, kept in memory with the (createdBy, key) uniqueness. */
class FakeBookings {
  readonly rows: Booking[] = [];
  creates = 0;
  /** replaces the next create()'s outcome (simulates a concurrent twin or an overlap) */
  nextCreate?: () => Promise<CreateOutcome>;

  async findByIdempotencyKey(createdBy: string, key: string): Promise<Booking | null> {
    return this.rows.find((r) => r.createdBy === createdBy && r.idempotencyKey === key) ?? null;
  }

  async create(data: NewBooking): Promise<CreateOutcome> {
    this.creates++;
    const override = this.nextCreate;
    this.nextCreate = undefined;
    if (override) return override();
    if (await this.findByIdempotencyKey(data.createdBy, data.idempotencyKey)) return { kind: 'duplicate-key' };
    return { kind: 'created', booking: this.insert(data) };
  }

  insert(data: NewBooking): Booking {
    const now = new Date();
    const row: Booking = {
      ...(data as Omit<Booking, 'status' | 'version' | 'createdAt' | 'updatedAt' | 'confirmedAt' | 'cancelledAt'>),
      startTime: new Date(data.startTime),
      endTime: new Date(data.endTime),
      status: BookingStatus.PENDING,
      version: 1,
      paidCents: 0,
      refundDueCents: 0,
      declineCode: null,
      paymentUnresolved: false,
      confirmedAt: null,
      cancelledAt: null,
      createdAt: now,
      updatedAt: now,
    };
    this.rows.push(row);
    return row;
  }

  /** Replaces a row with its next version (what a versioned transition leaves behind). */
  update(row: Booking, data: Partial<Booking>): Booking {
    const next = { ...row, ...data, version: row.version + 1, updatedAt: new Date() };
    this.rows.splice(this.rows.indexOf(row), 1, next);
    return next;
  }
}

const HOLD_UNTIL = new Date('2030-01-01T00:15:00.000Z');

/**
 * BookingSettlement's charge() over the fake rows: `outcome` says what payment-service does with a
 * PENDING booking's charge. Records every charge attempt with its idempotency key.
 */
class FakeSettlement {
  outcome: 'paid' | 'declined' | 'unavailable' = 'paid';
  readonly attempts: { key: string; amountCents: number }[] = [];

  constructor(private readonly repo: FakeBookings) {}

  holdExpiry(): Date {
    return HOLD_UNTIL;
  }

  async charge(booking: Booking): Promise<Booking | undefined> {
    if (booking.status !== BookingStatus.PENDING) return booking;
    this.attempts.push({ key: chargeKey(booking), amountCents: booking.priceCents });
    const row = this.repo.rows.find((r) => r.id === booking.id)!;
    if (this.outcome === 'unavailable') return undefined;
    if (this.outcome === 'declined') {
      const failed = this.repo.update(row, {
        status: BookingStatus.PAYMENT_FAILED,
        declineCode: 'card_declined',
        holdExpiresAt: null,
      });
      throw new PaymentDeclinedError(failed, 'card_declined', 'Your card was declined');
    }
    return this.repo.update(row, {
      status: BookingStatus.CONFIRMED,
      confirmedAt: new Date(),
      holdExpiresAt: null,
      paidCents: row.priceCents,
    });
  }
}

class FakeUsers {
  readonly users = new Map<string, BookingUser>();
  calls = 0;
  async activeUser(id: string): Promise<BookingUser> {
    this.calls++;
    const user = this.users.get(id);
    if (!user) throw new DomainError('USER_NOT_FOUND', 404, 'no such user');
    return user;
  }
}

class FakeWorkspaces {
  readonly workspaces = new Map<string, Workspace>();
  calls = 0;
  async get(id: string): Promise<Workspace> {
    this.calls++;
    const ws = this.workspaces.get(id);
    if (!ws) throw new DomainError('WORKSPACE_NOT_FOUND', 404, 'no such workspace');
    return ws;
  }
}

const START = '2030-01-07T09:00:00.000Z';
const END = '2030-01-07T10:30:00.000Z';

describe('parseRange', () => {
  it('parses a range on whole minutes, whatever the offset notation', () => {
    expect(parseRange('2030-01-07T10:00:00+01:00', '2030-01-07T10:30Z')).toEqual({
      start: new Date('2030-01-07T09:00:00.000Z'),
      end: new Date('2030-01-07T10:30:00.000Z'),
    });
  });

  it.each([
    ['a start with seconds', '2030-01-07T09:00:30Z', END],
    ['an end with milliseconds', START, '2030-01-07T10:30:00.001Z'],
    ['an end equal to the start', START, START],
    ['an end before the start', END, START],
  ])('refuses %s with 400 INVALID_TIME_RANGE', (_what, start, end) => {
    let error: unknown;
    try {
      parseRange(start, end);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'INVALID_TIME_RANGE', status: 400 });
  });
});

describe('BookingsService.create: idempotency and validation (no database)', () => {
  let repo: FakeBookings;
  let users: FakeUsers;
  let workspaces: FakeWorkspaces;
  let settlement: FakeSettlement;
  let service: BookingsService;
  let member: UserPrincipal;
  let workspace: Workspace;

  const principal = (userId: string, role: 'MEMBER' | 'ADMIN' = 'MEMBER') =>
    ({ kind: 'user', userId, role }) as unknown as UserPrincipal;
  const addUser = (overrides: Partial<BookingUser> = {}) => {
    const id = overrides.id ?? randomUUID();
    const user: BookingUser = {
      id,
      email: `${id}@example.com`,
      fullName: 'Ada Lovelace',
      role: 'MEMBER',
      status: 'ACTIVE',
      ...overrides,
    };
    users.users.set(id, user);
    return user;
  };
  const request = (overrides: Partial<CreateBookingDto> = {}): CreateBookingDto => ({
    workspaceId: workspace.id,
    startTime: START,
    endTime: END,
    ...overrides,
  });
  const codeOf = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (error) {
      return (error as DomainError).code;
    }
    throw new Error('expected a rejection');
  };

  beforeEach(() => {
    repo = new FakeBookings();
    users = new FakeUsers();
    workspaces = new FakeWorkspaces();
    settlement = new FakeSettlement(repo);
    service = new BookingsService(
      repo as unknown as BookingsRepository,
      users as unknown as UserClient,
      workspaces as unknown as WorkspaceClient,
      settlement as unknown as BookingSettlement,
      {} as BookingRepricing, // create never reprices
    );
    member = principal(addUser().id);
    workspace = {
      id: randomUUID(),
      name: 'Blue Room',
      type: 'MEETING_ROOM',
      active: true,
      capacity: 4,
      timezone: 'Europe/Berlin',
      openingHours: null,
      minBookingMinutes: 30,
      maxBookingMinutes: 480,
      hourlyRateCents: 1000,
      currency: 'CHF',
    };
    workspaces.workspaces.set(workspace.id, workspace);
  });

  it('writes the booking PENDING (held), charges it under its id, and answers 201 CONFIRMED', async () => {
    const { booking, replayed, httpStatus } = await service.create(member, request(), 'key-1');
    expect(replayed).toBe(false);
    expect(httpStatus).toBe(201);
    expect(settlement.attempts).toEqual([{ key: booking.id, amountCents: 1500 }]);
    expect(booking).toMatchObject({
      userId: member.userId,
      status: 'CONFIRMED',
      version: 2,
      confirmedAt: expect.any(String),
      priceCents: 1500,
      currency: 'CHF',
      attendees: 1,
      startTime: START,
      endTime: END,
    });
    expect(repo.rows[0]).toMatchObject({
      createdBy: member.userId,
      idempotencyKey: 'key-1',
      requestHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      userEmail: `${member.userId}@example.com`,
      userFullName: 'Ada Lovelace',
      workspaceName: 'Blue Room',
      workspaceTimezone: 'Europe/Berlin',
      paymentMethod: 'pm_card_visa',
      paidCents: 1500,
    });
  });

  it('was inserted PENDING with the hold expiry and the payment method asked for', async () => {
    const create = repo.create.bind(repo);
    let inserted: NewBooking | undefined;
    repo.create = async (data) => {
      inserted = data;
      return create(data);
    };
    await service.create(member, request({ paymentMethod: 'pm_card_mastercard' }), 'key-1');
    expect(inserted).toMatchObject({
      holdExpiresAt: HOLD_UNTIL,
      paymentMethod: 'pm_card_mastercard',
      priceCents: 1500,
    });
    expect(inserted).not.toHaveProperty('status');
  });

  it('answers 202 with the PENDING booking while the charge cannot be settled', async () => {
    settlement.outcome = 'unavailable';
    const { booking, httpStatus } = await service.create(member, request(), 'key-1');
    expect(httpStatus).toBe(202);
    expect(booking).toMatchObject({ status: 'PENDING', version: 1, confirmedAt: null });
    expect(repo.rows[0]).toMatchObject({ status: 'PENDING', holdExpiresAt: HOLD_UNTIL, paidCents: 0 });
  });

  it('lets a declined charge through as PAYMENT_DECLINED (402) with the decline code and the booking id', async () => {
    settlement.outcome = 'declined';
    let error: unknown;
    await service.create(member, request(), 'key-1').catch((e: unknown) => (error = e));
    expect(error).toBeInstanceOf(PaymentDeclinedError);
    expect(error).toMatchObject({ code: 'PAYMENT_DECLINED', status: 402 });
    expect((error as DomainError).extensions).toMatchObject({
      declineCode: 'card_declined',
      bookingId: repo.rows[0]!.id,
    });
    expect(repo.rows[0]!.status).toBe('PAYMENT_FAILED');
  });

  it('replays a declined booking as 402 again without charging it again', async () => {
    settlement.outcome = 'declined';
    expect(await codeOf(service.create(member, request(), 'key-1'))).toBe('PAYMENT_DECLINED');
    settlement.outcome = 'paid';
    expect(await codeOf(service.create(member, request(), 'key-1'))).toBe('PAYMENT_DECLINED');
    expect(settlement.attempts).toHaveLength(1);
    expect(repo.creates).toBe(1);
  });

  it('replays a PENDING booking by retrying its charge under the same key: 201 CONFIRMED once it goes through', async () => {
    settlement.outcome = 'unavailable';
    const first = await service.create(member, request(), 'key-1');
    const stillHeld = await service.create(member, request(), 'key-1');
    expect(stillHeld).toEqual({ booking: first.booking, replayed: true, httpStatus: 202 });
    settlement.outcome = 'paid';
    const settled = await service.create(member, request(), 'key-1');
    expect(settled).toMatchObject({
      replayed: true,
      httpStatus: 201,
      booking: { id: first.booking.id, status: 'CONFIRMED' },
    });
    // a settled booking replays as it is, with no further charge
    expect(await service.create(member, request(), 'key-1')).toEqual(settled);
    expect(settlement.attempts.map((a) => a.key)).toEqual([first.booking.id, first.booking.id, first.booking.id]);
    expect(repo.creates).toBe(1);
  });

  it.each([
    ['no key', undefined],
    ['an empty key', ''],
    ['a key longer than 255 characters', 'k'.repeat(256)],
    ['a key with a space', 'my key'],
    ['a key with a non-ASCII character', 'schlüssel'],
  ])('refuses %s with IDEMPOTENCY_KEY_REQUIRED before any call', async (_what, key) => {
    expect(await codeOf(service.create(member, request(), key))).toBe('IDEMPOTENCY_KEY_REQUIRED');
    expect(users.calls + workspaces.calls + repo.creates).toBe(0);
  });

  it('accepts a 255-character printable key', async () => {
    const { booking } = await service.create(member, request(), '~'.repeat(255));
    expect(booking.status).toBe('CONFIRMED');
  });

  it('replays the same key and body: the first booking, flagged, with no second validation or write', async () => {
    const first = await service.create(member, request(), 'key-1');
    const callsAfterFirst = users.calls + workspaces.calls;
    const second = await service.create(member, request(), 'key-1');
    expect(second).toEqual({ booking: first.booking, replayed: true, httpStatus: 201 });
    expect(users.calls + workspaces.calls).toBe(callsAfterFirst);
    expect(repo.creates).toBe(1);
    expect(settlement.attempts).toHaveLength(1);
  });

  it('treats the same request spelled differently as the same body (offsets, UUID case, default attendees)', async () => {
    const first = await service.create(member, request(), 'key-1');
    const second = await service.create(
      member,
      request({
        workspaceId: workspace.id.toUpperCase(),
        startTime: '2030-01-07T10:00:00+01:00',
        endTime: '2030-01-07T11:30:00.000+01:00',
        attendees: 1,
        userId: member.userId,
      }),
      'key-1',
    );
    expect(second).toEqual({ booking: first.booking, replayed: true, httpStatus: 201 });
  });

  it.each<[string, Partial<CreateBookingDto>]>([
    ['another end', { endTime: '2030-01-07T11:00:00Z' }],
    ['another start', { startTime: '2030-01-07T09:30:00Z' }],
    ['another workspace', { workspaceId: randomUUID() }],
    ['more attendees', { attendees: 2 }],
    ['a payment method', { paymentMethod: 'pm_card_visa' }],
  ])('refuses the same key with %s as 422 IDEMPOTENCY_KEY_REUSED, writing nothing', async (_what, change) => {
    await service.create(member, request(), 'key-1');
    expect(await codeOf(service.create(member, request(change), 'key-1'))).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(repo.rows).toHaveLength(1);
  });

  it('keeps keys per caller: another member with the same key gets a booking of their own', async () => {
    const other = principal(addUser().id);
    const mine = await service.create(member, request(), 'shared-key');
    const theirs = await service.create(
      other,
      request({ startTime: '2030-01-08T09:00:00Z', endTime: '2030-01-08T10:00:00Z' }),
      'shared-key',
    );
    expect(theirs.replayed).toBe(false);
    expect(theirs.booking.id).not.toBe(mine.booking.id);
    expect(theirs.booking.userId).toBe(other.userId);
  });

  it('still replays once the start has passed (a late retry is not START_IN_PAST)', async () => {
    const past = { startTime: '2020-01-06T09:00:00Z', endTime: '2020-01-06T10:30:00Z' };
    const realNow = Date.now;
    Date.now = () => Date.parse('2019-12-31T00:00:00Z');
    let first;
    try {
      first = await service.create(member, request(past), 'old-key');
    } finally {
      Date.now = realNow;
    }
    expect(await codeOf(service.create(member, request(past), 'fresh-key'))).toBe('START_IN_PAST');
    expect(await service.create(member, request(past), 'old-key')).toEqual({
      booking: first.booking,
      replayed: true,
      httpStatus: 201,
    });
  });

  it('answers a concurrent twin that inserted first as its replay', async () => {
    const first = await service.create(member, request(), 'key-1');
    const twin = repo.rows[0]!;
    // our own key lookup ran before the twin's insert: simulate by hiding it once
    const find = repo.findByIdempotencyKey.bind(repo);
    let hidden = true;
    repo.findByIdempotencyKey = async (createdBy, key) => {
      if (hidden) {
        hidden = false;
        return null;
      }
      return find(createdBy, key);
    };
    for (const outcome of [{ kind: 'duplicate-key' } as const, 'conflict' as const]) {
      hidden = true;
      repo.nextCreate =
        outcome === 'conflict' ? () => Promise.reject(new BookingConflictError()) : () => Promise.resolve(outcome);
      const res = await service.create(member, request(), 'key-1');
      expect(res).toEqual({ booking: first.booking, replayed: true, httpStatus: 201 });
    }
    expect(twin.id).toBe(first.booking.id);
    expect(settlement.attempts).toHaveLength(1);
  });

  it('answers a real overlap (no twin under this key) with BOOKING_CONFLICT', async () => {
    repo.nextCreate = () => Promise.reject(new BookingConflictError());
    expect(await codeOf(service.create(member, request(), 'key-1'))).toBe('BOOKING_CONFLICT');
  });

  it('answers a twin that raced in with another body as IDEMPOTENCY_KEY_REUSED', async () => {
    await service.create(member, request({ attendees: 3 }), 'key-1');
    const find = repo.findByIdempotencyKey.bind(repo);
    let hidden = true;
    repo.findByIdempotencyKey = async (createdBy, key) => {
      if (hidden) {
        hidden = false;
        return null;
      }
      return find(createdBy, key);
    };
    repo.nextCreate = () => Promise.resolve({ kind: 'duplicate-key' });
    expect(await codeOf(service.create(member, request(), 'key-1'))).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('lets an admin book for another user; a member booking for someone else gets FORBIDDEN', async () => {
    const someone = addUser();
    const admin = principal(addUser({ role: 'ADMIN' }).id, 'ADMIN');
    const { booking } = await service.create(admin, request({ userId: someone.id }), 'key-a');
    expect(booking.userId).toBe(someone.id);
    expect(repo.rows[0]).toMatchObject({ createdBy: admin.userId, userEmail: someone.email });
    expect(await codeOf(service.create(member, request({ userId: someone.id }), 'key-m'))).toBe('FORBIDDEN');
  });

  it.each<[string, () => void, Partial<CreateBookingDto>, string]>([
    ['a start in the past', () => undefined, { startTime: '2020-01-06T09:00:00Z' }, 'START_IN_PAST'],
    ['an inactive workspace', () => (workspace.active = false), {}, 'WORKSPACE_INACTIVE'],
    ['too many attendees', () => undefined, { attendees: 5 }, 'CAPACITY_EXCEEDED'],
    ['too short a booking', () => undefined, { endTime: '2030-01-07T09:15:00Z' }, 'DURATION_TOO_SHORT'],
    ['too long a booking', () => undefined, { endTime: '2030-01-07T17:01:00Z' }, 'DURATION_TOO_LONG'],
  ])('refuses %s without writing', async (_what, arrange, change, code) => {
    arrange();
    expect(await codeOf(service.create(member, request(change), 'key-1'))).toBe(code);
    expect(repo.creates).toBe(0);
    expect(settlement.attempts).toHaveLength(0);
  });
});

describe('BookingSettlement: hold expiry and the cancellation refund policy (no database)', () => {
  const settlementWith = (config: Partial<BookingServiceConfig>) =>
    new BookingSettlement(
      {} as BookingsRepository,
      {} as PaymentClient,
      new PlatformSettings(
        { BOOKING_HOLD_SECONDS: 900, CANCELLATION_FULL_REFUND_HOURS: 24, ...config } as BookingServiceConfig,
        {} as AdminClient,
      ),
    );
  const start = new Date('2030-01-10T12:00:00.000Z');
  const booking = { startTime: start, paidCents: 2500 } as Booking;
  const hoursBefore = (hours: number) => new Date(start.getTime() - hours * 3_600_000);

  it('holds a booking BOOKING_HOLD_SECONDS from now', () => {
    const before = Date.now();
    const expiry = settlementWith({ BOOKING_HOLD_SECONDS: 60 }).holdExpiry().getTime();
    expect(expiry).toBeGreaterThanOrEqual(before + 60_000);
    expect(expiry).toBeLessThanOrEqual(Date.now() + 60_000);
  });

  it.each([
    [48, 2500],
    [24, 2500],
    [24 - 1 / 3600, 0],
    [2, 0],
    [-1, 0],
  ])('cancelling %d h before the start refunds %i (window 24 h, paid 2500)', (hours, refund) => {
    expect(settlementWith({}).refundOnCancel(booking, hoursBefore(hours))).toBe(refund);
  });

  it('follows CANCELLATION_FULL_REFUND_HOURS, and refunds what was paid (not the price)', () => {
    const settlement = settlementWith({ CANCELLATION_FULL_REFUND_HOURS: 2 });
    expect(settlement.refundOnCancel(booking, hoursBefore(3))).toBe(2500);
    expect(settlement.refundOnCancel(booking, hoursBefore(1))).toBe(0);
    expect(settlement.refundOnCancel({ ...booking, paidCents: 0 }, hoursBefore(48))).toBe(0);
  });
});

describe('PlatformSettings: the settings admins change at run time (no database)', () => {
  const config = { BOOKING_HOLD_SECONDS: 900, CANCELLATION_FULL_REFUND_HOURS: 24 } as BookingServiceConfig;
  const adminAnswering = (answer: () => Promise<unknown>) => ({ settings: answer }) as unknown as AdminClient;

  it("applies the environment's values until admin-service has answered", () => {
    const settings = new PlatformSettings(
      config,
      adminAnswering(() => Promise.reject(new Error('down'))),
    );
    expect([settings.holdSeconds, settings.cancellationFullRefundHours, settings.version]).toEqual([900, 24, null]);
  });

  it("applies admin-service's version once read, and keeps it while admin-service is down", async () => {
    let answer: () => Promise<unknown> = () =>
      Promise.resolve({ version: 3, cancellationFullRefundHours: 2, bookingHoldMinutes: 5 });
    const settings = new PlatformSettings(
      config,
      adminAnswering(() => answer()),
    );
    await settings.refresh();
    expect([settings.holdSeconds, settings.cancellationFullRefundHours, settings.version]).toEqual([300, 2, 3]);
    answer = () => Promise.reject(new Error('down'));
    await settings.refresh();
    expect([settings.holdSeconds, settings.cancellationFullRefundHours, settings.version]).toEqual([300, 2, 3]);
  });

  it('the refund policy follows a changed cancellation window', async () => {
    const settings = new PlatformSettings(
      config,
      adminAnswering(() => Promise.resolve({ version: 2, cancellationFullRefundHours: 1, bookingHoldMinutes: 15 })),
    );
    const settlement = new BookingSettlement({} as BookingsRepository, {} as PaymentClient, settings);
    const start = new Date('2030-01-10T12:00:00.000Z');
    const twoHoursBefore = new Date(start.getTime() - 2 * 3_600_000);
    const booking = { startTime: start, paidCents: 2500 } as Booking;
    expect(settlement.refundOnCancel(booking, twoHoursBefore)).toBe(0);
    await settings.refresh();
    expect(settlement.refundOnCancel(booking, twoHoursBefore)).toBe(2500);
  });
});
