import { bookingEvent } from '../support/events.js';
import { expectProblem, NotificationServiceHarness, violatedFields } from '../support/harness.js';

/** Hostile and broken input: always a 4xx problem naming what is wrong, never a 500. */
export function badInputSuite(h: NotificationServiceHarness): void {
  describe('bad input', () => {
    it.each<[string, Record<string, string>, string]>([
      ['a userId that is not a UUID', { userId: 'ada' }, 'userId'],
      ['a bookingId that is not a UUID', { bookingId: '42' }, 'bookingId'],
      ['an unknown channel', { channel: 'SMS' }, 'channel'],
      ['an unknown type', { type: 'BOOKING_LOST' }, 'type'],
      ['unread that is not a boolean', { unread: 'maybe' }, 'unread'],
      ['limit 0', { limit: '0' }, 'limit'],
      ['limit 101', { limit: '101' }, 'limit'],
      ['a limit that is not a number', { limit: 'ten' }, 'limit'],
      ['a garbage cursor', { cursor: 'garbage' }, 'cursor'],
      [
        'a well-formed cursor with a forged key',
        { cursor: Buffer.from('{"id":"1 OR 1=1","createdAt":"x"}').toString('base64url') },
        'cursor',
      ],
      ['an unknown parameter', { status: 'SENT' }, 'status'],
    ])('refuses a list with %s: 400 VALIDATION_FAILED naming it', async (_what, query, field) => {
      const member = await h.member();
      const res = await h.list(member, query);
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(violatedFields(res)).toContain(field);
    });

    it('refuses a notification id that is not a UUID with 400 naming it', async () => {
      const member = await h.member();
      const res = await h.app.post('/notifications/not-a-uuid/read', { token: member.token });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(violatedFields(res)).toEqual(['id']);
    });

    it.each<[string, unknown, string]>([
      ['no emailEnabled', {}, 'emailEnabled'],
      ['emailEnabled as a string', { emailEnabled: 'yes' }, 'emailEnabled'],
      ['emailEnabled null', { emailEnabled: null }, 'emailEnabled'],
      ['an unknown field', { emailEnabled: true, smsEnabled: true }, 'smsEnabled'],
    ])('refuses preferences with %s: 400 naming it, nothing stored', async (_what, body, field) => {
      const member = await h.member();
      const res = await h.app.patch('/notifications/preferences', { token: member.token, body });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(violatedFields(res)).toContain(field);
      expect(await h.count('notification_preferences', 'user_id = $1', [member.id])).toBe(0);
    });

    it.each([
      ['truncated JSON', '{"id":'],
      ['not JSON', 'type=booking.confirmed'],
      ['an empty body', ''],
      ['a JSON array', '[]'],
    ])('refuses an event delivered as %s with 400', async (_what, rawBody) => {
      const res = await h.app.post('/internal/events', { token: await h.serviceToken(), rawBody });
      expectProblem(res, 400);
    });

    it('refuses an event body over the size limit with 413 and keeps serving', async () => {
      const event = bookingEvent('booking.confirmed');
      const huge = { ...event, payload: { ...event.payload, padding: 'x'.repeat(2 * 1024 * 1024) } };
      expectProblem(await h.deliver(huge), 413, 'PAYLOAD_TOO_LARGE');
      expect((await h.deliver(event)).body.outcome).toBe('applied');
    });
  });
}
