import { randomUUID } from 'node:crypto';
import { BookingHarness, expectProblem, slot } from './support/booking-app.js';

type Actor = { token: string; user: { id: string } };

/** What admins do to bookings is in the audit trail once; admin-service's booking counts. */
describe('admin actions on bookings (integration)', () => {
  let h: BookingHarness;
  let member: Actor;
  let admin: Actor;
  let hours = 72;

  beforeAll(async () => {
    h = await BookingHarness.start();
    member = await h.member();
    admin = await h.admin();
  });
  afterAll(async () => {
    await h?.close();
  });

  const trail = (targetId: string) =>
    h.prisma.auditEntry.findMany({ where: { targetId }, orderBy: { sequence: 'asc' } });

  it('records a deletion once, with the booking as it was; a repeat is 404 and records nothing', async () => {
    const declined = await h.book(member.token, {
      workspaceId: h.workspace().id,
      ...slot((hours += 2), 1),
      paymentMethod: 'pm_card_declined',
    });
    expect(declined.status).toBe(402);
    const id = declined.body.bookingId as string;
    expect((await h.app.delete(`/bookings/${id}`, { token: admin.token })).status).toBe(204);
    expectProblem(await h.app.delete(`/bookings/${id}`, { token: admin.token }), 404);
    const entries = await trail(id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'booking.deleted',
      targetType: 'booking',
      actorId: admin.user.id,
      after: null,
      before: expect.objectContaining({ id, status: 'PAYMENT_FAILED', userId: member.user.id }),
    });
  });

  it("records an admin's cancellation of a member's booking, but not a member cancelling their own", async () => {
    const mine = await h.booked(member.token, { workspaceId: h.workspace().id, ...slot((hours += 2), 1) });
    const theirs = await h.booked(member.token, { workspaceId: h.workspace().id, ...slot((hours += 2), 1) });
    expect((await h.app.post(`/bookings/${mine.id}/cancel`, { token: member.token })).status).toBe(200);
    expect((await h.app.post(`/bookings/${theirs.id}/cancel`, { token: admin.token })).status).toBe(200);
    expect((await h.app.post(`/bookings/${theirs.id}/cancel`, { token: admin.token })).status).toBe(200); // a retry
    expect(await trail(mine.id)).toEqual([]);
    const entries = await trail(theirs.id);
    expect(entries.map((e) => [e.action, e.actorId, (e.before as any).status, (e.after as any).status])).toEqual([
      ['booking.cancelled', admin.user.id, 'CONFIRMED', 'CANCELLED'],
    ]);
  });

  it('counts bookings per user for services, 0 for a user without any', async () => {
    const fresh = await h.member();
    await h.booked(fresh.token, { workspaceId: h.workspace().id, ...slot((hours += 2), 1) });
    await h.booked(fresh.token, { workspaceId: h.workspace().id, ...slot((hours += 2), 1) });
    const nobody = randomUUID();
    const service = await h.serviceToken('admin-service');
    const res = await h.app.get(`/internal/bookings/counts?userId=${fresh.user.id}&userId=${nobody}`, {
      token: service,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ counts: { [fresh.user.id]: 2, [nobody]: 0 } });
    const one = await h.app.get(`/internal/bookings/counts?userId=${fresh.user.id}`, { token: service });
    expect(one.body).toEqual({ counts: { [fresh.user.id]: 2 } });
  });

  it('refuses bad counts queries with 400 and user tokens with 403', async () => {
    const service = await h.serviceToken('admin-service');
    expectProblem(await h.app.get('/internal/bookings/counts', { token: service }), 400, 'VALIDATION_FAILED');
    expectProblem(
      await h.app.get('/internal/bookings/counts?userId=nope', { token: service }),
      400,
      'VALIDATION_FAILED',
    );
    const many = Array.from({ length: 101 }, () => `userId=${randomUUID()}`).join('&');
    expectProblem(await h.app.get(`/internal/bookings/counts?${many}`, { token: service }), 400, 'VALIDATION_FAILED');
    expectProblem(await h.app.get(`/internal/bookings/counts?userId=${randomUUID()}`, { token: admin.token }), 403);
  });
});
