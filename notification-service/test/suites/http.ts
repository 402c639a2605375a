import { randomUUID } from 'node:crypto';
import { expectProblem, Member, Notification, NotificationServiceHarness } from '../support/harness.js';

/** What members and admins do with notifications over HTTP. */
export function httpSuite(h: NotificationServiceHarness): void {
  describe('listing notifications', () => {
    let ada: Member;
    let grace: Member;
    let bookingId: string;

    beforeAll(async () => {
      ada = await h.member();
      grace = await h.member();
      bookingId = randomUUID();
      await h.notify(ada, 'booking.confirmed', { bookingId });
      await h.notify(ada, 'refund.issued', { bookingId });
      await h.notify(ada, 'booking.expired');
      await h.notify(grace, 'booking.confirmed');
    });

    it('shows members their own notifications only, newest first', async () => {
      const res = await h.list(ada);
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(6);
      expect(res.body.items.every((n) => n.userId === ada.id)).toBe(true);
      expect(res.body.nextCursor).toBeNull();
      const created = res.body.items.map((n) => n.createdAt);
      expect(created).toEqual([...created].sort().reverse());
      expect(res.body.items.map((n) => n.type).slice(0, 2)).toEqual(['HOLD_EXPIRED', 'HOLD_EXPIRED']);

      const theirs = await h.list(grace);
      expect(theirs.body.items).toHaveLength(2);
      expect(theirs.body.items.every((n) => n.userId === grace.id)).toBe(true);
    });

    it('answers the documented item shape', async () => {
      const [item] = (await h.list(ada, { channel: 'IN_APP', type: 'BOOKING_CONFIRMED' })).body.items;
      expect(item).toEqual({
        id: expect.any(String),
        userId: ada.id,
        bookingId,
        eventId: expect.any(String),
        type: 'BOOKING_CONFIRMED',
        channel: 'IN_APP',
        status: 'DELIVERED',
        title: 'Booking confirmed: Lovelace Room on Mon 30 Nov 2026',
        body: expect.stringContaining('When: Mon 30 Nov 2026, 10:00–12:00 (Europe/Berlin)'),
        read: false,
        readAt: null,
        createdAt: expect.stringMatching(/Z$/),
        sentAt: null,
        attempts: 0,
      } satisfies Notification);
    });

    it("lets an admin list anyone's notifications by userId", async () => {
      const admin = await h.admin();
      const res = await h.list(admin, { userId: grace.id });
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(2);
      expect(res.body.items.every((n) => n.userId === grace.id)).toBe(true);
      // without userId an admin sees their own inbox, which is empty
      expect((await h.list(admin)).body.items).toEqual([]);
    });

    it("refuses a member another user's notifications with 403, and accepts their own id", async () => {
      expectProblem(await h.list(grace, { userId: ada.id }), 403, 'FORBIDDEN');
      expect((await h.list(grace, { userId: grace.id })).body.items).toHaveLength(2);
    });

    it('filters by channel, type, booking and read state', async () => {
      const ids = async (query: Record<string, string>) => (await h.list(ada, query)).body.items;
      expect((await ids({ channel: 'EMAIL' })).map((n) => n.channel)).toEqual(['EMAIL', 'EMAIL', 'EMAIL']);
      expect((await ids({ type: 'REFUND_ISSUED' })).map((n) => n.type)).toEqual(['REFUND_ISSUED', 'REFUND_ISSUED']);
      expect(await ids({ bookingId })).toHaveLength(4);
      expect(await ids({ bookingId, channel: 'IN_APP', type: 'REFUND_ISSUED' })).toHaveLength(1);

      const [first] = await ids({ channel: 'IN_APP', type: 'BOOKING_CONFIRMED' });
      await h.app.post(`/notifications/${first!.id}/read`, { token: ada.token });
      expect((await ids({ unread: 'false' })).map((n) => n.id)).toEqual([first!.id]);
      expect(await ids({ unread: 'true' })).toHaveLength(5);
    });

    it('pages with limit and cursor without gaps or repeats', async () => {
      const all = (await h.list(ada)).body.items.map((n) => n.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await h.list(ada, { limit: '4', ...(cursor ? { cursor } : {}) });
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(4);
        seen.push(...res.body.items.map((n) => n.id));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(2);
      expect(seen).toEqual(all);
    });
  });

  describe('marking notifications read', () => {
    it('marks one read, and a retry answers the same readAt', async () => {
      const member = await h.member();
      await h.notify(member);
      const [item] = (await h.list(member, { channel: 'IN_APP' })).body.items;

      const first = await h.app.post(`/notifications/${item!.id}/read`, { token: member.token });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ id: item!.id, read: true, readAt: expect.stringMatching(/Z$/) });

      const again = await h.app.post(`/notifications/${item!.id}/read`, { token: member.token });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
    });

    it("answers 404 for another member's notification and leaves it unread; an admin may mark it", async () => {
      const owner = await h.member();
      const other = await h.member();
      await h.notify(owner);
      const [item] = (await h.list(owner, { channel: 'IN_APP' })).body.items;

      expectProblem(
        await h.app.post(`/notifications/${item!.id}/read`, { token: other.token }),
        404,
        'NOTIFICATION_NOT_FOUND',
      );
      expect((await h.list(owner, { unread: 'true' })).body.items).toHaveLength(2);

      const admin = await h.admin();
      const res = await h.app.post(`/notifications/${item!.id}/read`, { token: admin.token });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ userId: owner.id, read: true });
    });

    it('answers 404 for a notification that does not exist', async () => {
      const member = await h.member();
      expectProblem(
        await h.app.post(`/notifications/${randomUUID()}/read`, { token: member.token }),
        404,
        'NOTIFICATION_NOT_FOUND',
      );
    });

    it("marks all of one's own unread notifications read; a retry updates 0", async () => {
      const member = await h.member();
      const other = await h.member();
      await h.notify(member, 'booking.confirmed');
      await h.notify(member, 'booking.cancelled');
      await h.notify(other, 'booking.confirmed');
      const [one] = (await h.list(member)).body.items;
      await h.app.post(`/notifications/${one!.id}/read`, { token: member.token });

      const res = await h.app.post('/notifications/read-all', { token: member.token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ updated: 3 });
      expect((await h.list(member, { unread: 'true' })).body.items).toEqual([]);
      expect((await h.app.post('/notifications/read-all', { token: member.token })).body).toEqual({ updated: 0 });
      expect((await h.list(other, { unread: 'true' })).body.items).toHaveLength(2);
    });
  });

  describe('notification preferences', () => {
    it('starts with email on and nothing stored', async () => {
      const member = await h.member();
      const res = await h.app.get('/notifications/preferences', { token: member.token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ userId: member.id, emailEnabled: true, updatedAt: null });
    });

    it('turns email off and on; setting the same value again changes nothing', async () => {
      const member = await h.member();
      const off = await h.app.patch('/notifications/preferences', {
        token: member.token,
        body: { emailEnabled: false },
      });
      expect(off.status).toBe(200);
      expect(off.body).toEqual({ userId: member.id, emailEnabled: false, updatedAt: expect.stringMatching(/Z$/) });

      const retry = await h.app.patch('/notifications/preferences', {
        token: member.token,
        body: { emailEnabled: false },
      });
      expect(retry.body).toEqual(off.body);
      expect((await h.app.get('/notifications/preferences', { token: member.token })).body).toEqual(off.body);

      const on = await h.app.patch('/notifications/preferences', { token: member.token, body: { emailEnabled: true } });
      expect(on.body).toMatchObject({ emailEnabled: true });
      expect(Date.parse(on.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(off.body.updatedAt));
      expect(await h.count('notification_preferences', 'user_id = $1', [member.id])).toBe(1);
    });

    it('decides by the preference when the event arrives, not when the email is sent', async () => {
      const member = await h.member();
      const event = await h.notify(member, 'booking.confirmed'); // email on: an EMAIL row is made
      await h.app.patch('/notifications/preferences', { token: member.token, body: { emailEnabled: false } });
      expect((await h.rowsOf(event)).map((r) => r.channel)).toEqual(['IN_APP', 'EMAIL']);
      const later = await h.notify(member, 'booking.cancelled');
      expect((await h.rowsOf(later)).map((r) => r.channel)).toEqual(['IN_APP']);
    });
  });
}
