import { randomUUID } from 'node:crypto';
import { BookingsRepository } from '../src/bookings/bookings.repository.js';
import { BookingHarness, everyDay, expectProblem, range, slot } from './support/booking-app.js';

/**
 * Idempotency-Key on POST /bookings: the same key and body give back the first booking (201,
 * `idempotent-replayed: true`), the same key with another body is 422, concurrent twins end as
 * one booking, and keys belong to the caller who sent them.
 */
describe('Idempotency-Key on create (integration)', () => {
  let h: BookingHarness;
  let member: { token: string; user: { id: string } };

  beforeAll(async () => {
    h = await BookingHarness.start();
    member = await h.member();
  });
  afterAll(async () => {
    await h?.close();
  });

  const rows = (workspaceId: string) => h.prisma.booking.findMany({ where: { workspaceId } });
  const createdEvents = (aggregateIds: string[]) =>
    h.prisma.outboxEvent.count({ where: { aggregateId: { in: aggregateIds }, type: 'booking.created' } });
  const eventTypes = async (id: string) =>
    (await h.prisma.outboxEvent.findMany({ where: { aggregateId: id }, orderBy: { position: 'asc' } })).map(
      (e) => e.type,
    );
  /** What payment-service captured for the booking, charge by charge. */
  const chargesOf = (id: string) => h.downstreams.ledger.charges.filter((c) => c.bookingId === id);

  it.each<[string, Record<string, string>]>([
    ['no Idempotency-Key', {}],
    ['an empty Idempotency-Key', { 'idempotency-key': '' }],
    ['a key longer than 255 characters', { 'idempotency-key': 'k'.repeat(256) }],
    ['a key with a space', { 'idempotency-key': 'my key' }],
  ])('answers %s with 400 IDEMPOTENCY_KEY_REQUIRED and writes nothing', async (_what, headers) => {
    const ws = h.workspace();
    const res = await h.app.post('/bookings', {
      token: member.token,
      body: { workspaceId: ws.id, ...slot(24) },
      headers,
    });
    expectProblem(res, 400, 'IDEMPOTENCY_KEY_REQUIRED');
    expect(await rows(ws.id)).toHaveLength(0);
  });

  it('finds a booking by its key exactly as Prisma reads the row (the raw lookup every create makes first)', async () => {
    const repository = h.app.app.get(BookingsRepository);
    for (const [key, openingHours] of [
      ['lookup-key', null],
      ['lookup-key-hours', everyDay('00:00', '23:59')],
    ] as const) {
      const ws = h.workspace({ openingHours: openingHours as ReturnType<typeof everyDay> | null });
      const booked = await h.booked(member.token, { workspaceId: ws.id, ...range('2031-03-04T10:00:00Z', 60) }, key);

      const found = await repository.findByIdempotencyKey(member.user.id, key);

      expect(found).toStrictEqual(await h.prisma.booking.findUnique({ where: { id: booked.id } }));
    }
    expect(await repository.findByIdempotencyKey(member.user.id, 'no-such-key')).toBeNull();
  });

  it('replays the same key and body: 201, the same booking, idempotent-replayed: true, one row, one charge', async () => {
    const ws = h.workspace();
    const body = { workspaceId: ws.id, attendees: 2, ...slot(24) };
    const first = await h.book(member.token, body, 'replay-key');
    const second = await h.book(member.token, body, 'replay-key');
    const third = await h.book(member.token, body, 'replay-key');
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    for (const again of [second, third]) {
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.headers.location).toBe(`/bookings/${first.body.id}`);
      expect(again.body).toEqual(first.body);
    }
    expect(await rows(ws.id)).toHaveLength(1);
    expect(await createdEvents([first.body.id])).toBe(1);
    expect(await eventTypes(first.body.id)).toEqual(['booking.created', 'booking.confirmed']);
    expect(chargesOf(first.body.id)).toEqual([{ key: first.body.id, bookingId: first.body.id, amountCents: 1000 }]);
  });

  it('recognises the same body written differently (offset notation, upper-case UUID, default attendees)', async () => {
    const ws = h.workspace();
    const { startTime, endTime } = slot(30);
    const first = await h.book(member.token, { workspaceId: ws.id, startTime, endTime }, 'spelling-key');
    const plusOne = (iso: string) => {
      const local = new Date(Date.parse(iso) + 3_600_000).toISOString().slice(0, 19);
      return `${local}+01:00`;
    };
    const second = await h.book(
      member.token,
      { workspaceId: ws.id.toUpperCase(), startTime: plusOne(startTime), endTime: plusOne(endTime), attendees: 1 },
      'spelling-key',
    );
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body.id).toBe(first.body.id);
  });

  it.each<[string, (body: Record<string, unknown>) => Record<string, unknown>]>([
    ['another time', (b) => ({ ...b, ...slot(40) })],
    ['more attendees', (b) => ({ ...b, attendees: 3 })],
    ['another workspace', (b) => ({ ...b, workspaceId: h.workspace().id })],
    ['a payment method', (b) => ({ ...b, paymentMethod: 'pm_card_visa' })],
  ])('refuses the same key with %s: 422 IDEMPOTENCY_KEY_REUSED, nothing new written', async (_what, change) => {
    const ws = h.workspace();
    const body = { workspaceId: ws.id, ...slot(36) };
    const key = randomUUID();
    const first = await h.book(member.token, body, key);
    expect(first.status).toBe(201);
    const changed = change(body);
    expectProblem(await h.book(member.token, changed, key), 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(await h.prisma.booking.count({ where: { idempotencyKey: key } })).toBe(1);
    expect(await rows(changed.workspaceId as string)).toHaveLength(changed.workspaceId === ws.id ? 1 : 0);
    // and the original still replays
    expect((await h.book(member.token, body, key)).body.id).toBe(first.body.id);
  });

  it('gives 20 concurrent requests with one key one booking: every answer 201 with the same id', async () => {
    const ws = h.workspace();
    const body = { workspaceId: ws.id, ...slot(60) };
    const responses = await Promise.all(Array.from({ length: 20 }, () => h.book(member.token, body, 'storm-key')));
    const statuses = responses.map((r) => r.status);
    expect(statuses).toEqual(Array(20).fill(201));
    const ids = new Set(responses.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect(responses.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(19);
    expect(await rows(ws.id)).toHaveLength(1);
    expect(await createdEvents([...ids] as string[])).toBe(1);
    const [id] = [...ids] as string[];
    expect(responses.every((r) => r.body.status === 'CONFIRMED')).toBe(true);
    expect(await eventTypes(id!)).toEqual(['booking.created', 'booking.confirmed']);
    expect(chargesOf(id!)).toHaveLength(1);
  });

  it('keeps keys per caller: another member may use the same key for a booking of their own', async () => {
    const ws = h.workspace();
    const other = await h.member();
    const mine = await h.book(member.token, { workspaceId: ws.id, ...slot(70) }, 'shared-key');
    const theirs = await h.book(other.token, { workspaceId: ws.id, ...slot(72) }, 'shared-key');
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(theirs.body.userId).toBe(other.user.id);
  });

  it("never hands out another caller's booking: the same key and body from someone else is a new request (409 here)", async () => {
    const ws = h.workspace();
    const other = await h.member();
    const body = { workspaceId: ws.id, ...slot(80) };
    const mine = await h.book(member.token, body, 'copied-key');
    expect(mine.status).toBe(201);
    const theirs = await h.book(other.token, body, 'copied-key');
    expectProblem(theirs, 409, 'BOOKING_CONFLICT');
    expect(theirs.text).not.toContain(mine.body.id);
  });

  it('does not spend a key on a refused request: fixing the body under the same key books', async () => {
    const ws = h.workspace({ capacity: 2 });
    const key = randomUUID();
    const s = slot(90);
    expectProblem(
      await h.book(member.token, { workspaceId: ws.id, attendees: 3, ...s }, key),
      422,
      'CAPACITY_EXCEEDED',
    );
    const fixed = await h.book(member.token, { workspaceId: ws.id, attendees: 2, ...s }, key);
    expect(fixed.status).toBe(201);
    expect(fixed.headers['idempotent-replayed']).toBeUndefined();
  });

  it("keeps an admin's key apart from the member's own when the admin books for them", async () => {
    const admin = await h.admin();
    const ws = h.workspace();
    const forMember = await h.book(admin.token, { workspaceId: ws.id, userId: member.user.id, ...slot(100) }, 'k-1');
    const byMember = await h.book(member.token, { workspaceId: ws.id, ...slot(102) }, 'k-1');
    expect([forMember.status, byMember.status]).toEqual([201, 201]);
    expect(forMember.body.userId).toBe(member.user.id);
    expect(byMember.body.id).not.toBe(forMember.body.id);
  });
});
