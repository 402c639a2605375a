import { bookingEvent } from '../support/events.js';
import { Actor, expectProblem, Member, NotificationServiceHarness } from '../support/harness.js';

type As = 'anonymous' | 'owner' | 'other' | 'admin' | 'service';

/** Who may call what: every endpoint against every kind of caller. */
export function authorizationSuite(h: NotificationServiceHarness): void {
  describe('authorization matrix', () => {
    let owner: Member;
    let other: Actor;
    let admin: Actor;
    let service: string;
    let notificationId: string;

    beforeAll(async () => {
      owner = await h.member();
      other = await h.member();
      admin = await h.admin();
      service = await h.serviceToken();
      await h.notify(owner);
      notificationId = (await h.list(owner, { channel: 'IN_APP' })).body.items[0]!.id;
    });

    const tokenFor = (as: As) =>
      ({ anonymous: undefined, owner: owner.token, other: other.token, admin: admin.token, service })[as];

    const endpoints: Record<string, (as: As) => Promise<{ status: number; text: string } & object>> = {
      'GET /notifications': (as) => h.app.get('/notifications', { token: tokenFor(as) }),
      'POST /notifications/:id/read': (as) =>
        h.app.post(`/notifications/${notificationId}/read`, { token: tokenFor(as) }),
      'POST /notifications/read-all': (as) => h.app.post('/notifications/read-all', { token: tokenFor(as) }),
      'GET /notifications/preferences': (as) => h.app.get('/notifications/preferences', { token: tokenFor(as) }),
      'PATCH /notifications/preferences': (as) =>
        h.app.patch('/notifications/preferences', { token: tokenFor(as), body: { emailEnabled: true } }),
      'POST /internal/events': (as) =>
        h.app.post('/internal/events', { token: tokenFor(as), body: bookingEvent('booking.created') }),
      'POST /internal/events/batch': (as) =>
        h.app.post('/internal/events/batch', {
          token: tokenFor(as),
          body: { events: [bookingEvent('booking.created')] },
        }),
      'GET /internal/outbox-mail': (as) => h.app.get('/internal/outbox-mail', { token: tokenFor(as) }),
    };

    const expected: Record<string, Record<As, number>> = {
      'GET /notifications': { anonymous: 401, owner: 200, other: 200, admin: 200, service: 403 },
      'POST /notifications/:id/read': { anonymous: 401, owner: 200, other: 404, admin: 200, service: 403 },
      'POST /notifications/read-all': { anonymous: 401, owner: 200, other: 200, admin: 200, service: 403 },
      'GET /notifications/preferences': { anonymous: 401, owner: 200, other: 200, admin: 200, service: 403 },
      'PATCH /notifications/preferences': { anonymous: 401, owner: 200, other: 200, admin: 200, service: 403 },
      'POST /internal/events': { anonymous: 401, owner: 403, other: 403, admin: 403, service: 200 },
      'POST /internal/events/batch': { anonymous: 401, owner: 403, other: 403, admin: 403, service: 200 },
      // this app has a real SMTP server, so the development sink is off: 404 for the one caller allowed in
      'GET /internal/outbox-mail': { anonymous: 401, owner: 403, other: 403, admin: 404, service: 403 },
    };

    const cases = Object.entries(expected).flatMap(([endpoint, byCaller]) =>
      (Object.entries(byCaller) as [As, number][]).map(([as, status]) => ({ endpoint, as, status })),
    );

    it.each(cases)('$endpoint as $as answers $status', async ({ endpoint, as, status }) => {
      const res = await endpoints[endpoint]!(as);
      if (status >= 400) {
        const code = { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: undefined }[status as 401 | 403 | 404];
        expectProblem(res as never, status, code);
      } else expect(res.status).toBe(status);
    });

    it('answers the admin 404 MAIL_SINK_DISABLED for the outbox when a real SMTP server is configured', async () => {
      expectProblem(await h.app.get('/internal/outbox-mail', { token: admin.token }), 404, 'MAIL_SINK_DISABLED');
    });

    it('refuses forged, expired and foreign tokens with 401', async () => {
      for (const [what, token] of Object.entries(await h.tokens.forgeries(owner.id))) {
        const res = await h.app.get('/notifications', { token });
        if (res.status !== 401) throw new Error(`${what}: ${res.status}`);
      }
    });
  });
}
