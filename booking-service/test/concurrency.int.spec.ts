import { BookingHarness, slot } from './support/booking-app.js';

describe('no double booking under concurrency', () => {
  let h: BookingHarness;

  beforeAll(async () => {
    h = await BookingHarness.start();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('lets exactly one of 50 concurrent overlapping creates through; the other 49 get 409 BOOKING_CONFLICT', async () => {
    const ws = h.workspace();
    const members = await Promise.all(Array.from({ length: 50 }, () => h.member()));
    const started = Date.now();
    const responses = await Promise.all(
      members.map(({ token }, i) => h.book(token, { workspaceId: ws.id, ...slot(48 + (i % 2) * 0.5, 1) })),
    );
    const elapsed = Date.now() - started;
    const statuses = responses.map((r) => r.status);
    // the winner holds the slot: paid at once (201) or, if its charge did not settle in time under
    // this load, held PENDING (202); either way exactly one booking is active
    const winners = responses.filter((r) => r.status === 201 || r.status === 202);
    expect(winners.map((r) => [r.status, r.body.status])).toEqual([
      [winners[0]?.status, winners[0]?.status === 201 ? 'CONFIRMED' : 'PENDING'],
    ]);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    expect(responses.filter((r) => r.status === 409).every((r) => r.body.code === 'BOOKING_CONFLICT')).toBe(true);
    expect(
      await h.prisma.booking.count({ where: { workspaceId: ws.id, status: { in: ['PENDING', 'CONFIRMED'] } } }),
    ).toBe(1);
    process.stderr.write(
      `[concurrency] 50 concurrent overlapping creates: 1 x ${winners[0]!.status}, 49 x 409 in ${elapsed} ms\n`,
    );
  });

  it('lets exactly one of 50 concurrent reschedules into one free slot through', async () => {
    const ws = h.workspace();
    const members = await Promise.all(Array.from({ length: 50 }, () => h.member()));
    const bookings = await Promise.all(
      members.map(({ token }, i) => h.book(token, { workspaceId: ws.id, ...slot(100 + i * 2, 1) })),
    );
    expect(bookings.every((b) => b.status === 201)).toBe(true);
    const target = slot(300, 1);
    const started = Date.now();
    const responses = await Promise.all(
      bookings.map((b, i) => h.app.patch(`/bookings/${b.body.id}`, { token: members[i]!.token, body: target })),
    );
    const elapsed = Date.now() - started;
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    expect(responses.filter((r) => r.status === 409).every((r) => r.body.code === 'BOOKING_CONFLICT')).toBe(true);
    process.stderr.write(`[concurrency] 50 concurrent reschedules into one slot: 1 x 200, 49 x 409 in ${elapsed} ms\n`);
  });
});
