import { DomainError, UserPrincipal } from '@cowork/service-kit';
import { randomUUID } from 'node:crypto';
import type { BookingUser, UserClient } from '../clients/user.client.js';
import type { Workspace, WorkspaceClient } from '../clients/workspace.client.js';
import type { Booking } from '../generated/prisma/client.js';
import { BookingStatus } from '../generated/prisma/enums.js';
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
      confirmedAt: null,
      cancelledAt: null,
      createdAt: now,
      updatedAt: now,
    };
    this.rows.push(row);
    return row;
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
    service = new BookingsService(
      repo as unknown as BookingsRepository,
      users as unknown as UserClient,
      workspaces as unknown as WorkspaceClient,
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

  it('creates a PENDING booking priced pro rata, with what events need captured on the row', async () => {
    const { booking, replayed } = await service.create(member, request(), 'key-1');
    expect(replayed).toBe(false);
    expect(booking).toMatchObject({
      userId: member.userId,
      status: 'PENDING',
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
    });
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
    expect(booking.status).toBe('PENDING');
  });

  it('replays the same key and body: the first booking, flagged, with no second validation or write', async () => {
    const first = await service.create(member, request(), 'key-1');
    const callsAfterFirst = users.calls + workspaces.calls;
    const second = await service.create(member, request(), 'key-1');
    expect(second).toEqual({ booking: first.booking, replayed: true });
    expect(users.calls + workspaces.calls).toBe(callsAfterFirst);
    expect(repo.creates).toBe(1);
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
    expect(second).toEqual({ booking: first.booking, replayed: true });
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
    expect(await service.create(member, request(past), 'old-key')).toEqual({ booking: first.booking, replayed: true });
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
      expect(res).toEqual({ booking: first.booking, replayed: true });
    }
    expect(twin.id).toBe(first.booking.id);
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
  });
});
