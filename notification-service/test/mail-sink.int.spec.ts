import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MailSink } from '../src/mail/mail-sink.js';
import { expectProblem, NotificationServiceHarness, violatedFields } from './support/harness.js';

/**
 * With no SMTP_HOST (development), the service starts its embedded SMTP sink and sends to it over
 * SMTP like to any server; admins read what arrived through GET /internal/outbox-mail.
 */
describe('the development mail sink (no SMTP_HOST)', () => {
  const h = new NotificationServiceHarness(() => ({ SMTP_HOST: '' }));
  beforeAll(() => h.start());
  afterAll(() => h.close());

  it('receives the email an event produces, over SMTP, and lists it to admins newest first', async () => {
    const admin = await h.admin();
    const ada = await h.member();
    const grace = await h.member();
    const event = await h.notify(ada, 'booking.confirmed');
    await h.notify(grace, 'booking.cancelled');

    const pass = await h.drainMail();

    expect(pass).toMatchObject({ claimed: 2, sent: 2 });
    const email = (await h.emailOf(event))!;
    expect(email.status).toBe('SENT');
    const all = await h.app.get('/internal/outbox-mail', { token: admin.token });
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(2);
    const res = await h.app.get('/internal/outbox-mail', {
      token: admin.token,
      query: { to: ada.user.email.toUpperCase() },
    });
    expect(res.body.items).toEqual([
      {
        messageId: `<${email.id}@cowork.local>`,
        from: '"Cowork" <no-reply@cowork.local>',
        to: [ada.user.email],
        subject: 'Booking confirmed: Lovelace Room on Mon 30 Nov 2026',
        text: expect.stringContaining('Hi Ada Lovelace,'),
        html: expect.stringContaining('<h1'),
        receivedAt: expect.stringMatching(/Z$/),
      },
    ]);
    expect(
      (await h.app.get('/internal/outbox-mail', { token: admin.token, query: { limit: '1' } })).body.items,
    ).toHaveLength(1);
  });

  it('keeps each message under DATA_DIR/notification-service/mail as raw .eml', async () => {
    const dir = h.app.app.get(MailSink).dir;
    expect(dir).toBe(join(h.dataDir, 'notification-service', 'mail'));
    const emls = readdirSync(dir).filter((f) => f.endsWith('.eml'));
    expect(emls.length).toBeGreaterThanOrEqual(2);
    expect(readFileSync(join(dir, emls[0]!), 'utf8')).toMatch(/^Message-ID: <[0-9a-f-]+@cowork\.local>/im);
    expect(existsSync(join(dir, emls[0]!.replace(/\.eml$/, '.json')))).toBe(true);
  });

  it('refuses the outbox to members (403) and to anonymous callers (401)', async () => {
    const member = await h.member();
    expectProblem(await h.app.get('/internal/outbox-mail', { token: member.token }), 403, 'FORBIDDEN');
    expectProblem(await h.app.get('/internal/outbox-mail', { token: await h.serviceToken() }), 403, 'FORBIDDEN');
    expectProblem(await h.app.get('/internal/outbox-mail'), 401, 'UNAUTHENTICATED');
  });

  it.each([
    [{ to: 'not-an-address' }, 'to'],
    [{ limit: '0' }, 'limit'],
    [{ limit: '101' }, 'limit'],
  ])('refuses outbox query %j with 400 naming it', async (query, field) => {
    const admin = await h.admin();
    const res = await h.app.get('/internal/outbox-mail', { token: admin.token, query });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(violatedFields(res)).toContain(field);
  });
});
