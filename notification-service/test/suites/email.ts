import { MailDispatcher } from '../../src/mail/mail-dispatcher.js';
import { DeliveryRepository } from '../../src/mail/delivery.repository.js';
import { MailTransport } from '../../src/mail/mail-transport.js';
import { NotificationServiceConfig } from '../../src/config.js';
import { NotificationServiceHarness } from '../support/harness.js';
import type { TestSmtpServer } from '../support/smtp-server.js';

/** MAIL_MAX_ATTEMPTS the integration app runs with. */
export const MAX_ATTEMPTS = 3;

/**
 * Email delivery against a real SMTP server started by the test (the app's SMTP_HOST points at
 * it). Every test uses its own recipient and finds its own mail by address.
 */
export function emailSuite(h: NotificationServiceHarness, smtp: () => TestSmtpServer): void {
  describe('email delivery over SMTP', () => {
    const attemptsOf = (notificationId: string) =>
      h.sql<{
        attempt: number;
        outcome: string;
        error: string | null;
        smtp_response: string | null;
        message_id: string | null;
        created_at: Date;
      }>(
        'SELECT attempt, outcome, error, smtp_response, message_id, created_at FROM notification_attempts WHERE notification_id = $1 ORDER BY attempt, created_at',
        [notificationId],
      );

    beforeEach(async () => {
      smtp().refuseWith = undefined;
      await h.drainMail(); // whatever earlier suites left pending goes out first
    });

    it('sends the email once, to the booking’s user, with subject, text, HTML and a stable Message-ID', async () => {
      const member = await h.member();
      const event = await h.notify(member, 'booking.confirmed');
      const email = (await h.emailOf(event))!;

      const pass = await h.drainMail();

      expect(pass.sent).toBeGreaterThanOrEqual(1);
      const received = smtp().to(member.user.email);
      expect(received).toHaveLength(1);
      const [mail] = received;
      expect(mail!.from).toBe('no-reply@cowork.local');
      expect(mail!.subject).toBe('Booking confirmed: Lovelace Room on Mon 30 Nov 2026');
      expect(mail!.text).toContain('Mon 30 Nov 2026, 10:00–12:00 (Europe/Berlin)');
      expect(mail!.text).toContain('€50.00');
      expect(mail!.html).toContain('<h1 style="font-size:20px;margin:0 0 16px">Booking confirmed: Lovelace Room');
      expect(mail!.messageId).toBe(`<${email.id}@cowork.local>`);
      expect(mail!.headers.get('x-cowork-notification-id')).toBe(email.id);

      const row = (await h.emailOf(event))!;
      expect(row).toMatchObject({ status: 'SENT', attempts: 1, next_attempt_at: null, last_error: null });
      expect(row.sent_at).toBeInstanceOf(Date);
      const attempts = await attemptsOf(email.id);
      expect(attempts).toEqual([
        expect.objectContaining({ attempt: 1, outcome: 'SENT', error: null, message_id: `<${email.id}@cowork.local>` }),
      ]);
      expect(attempts[0]!.smtp_response).toMatch(/^250 /);
      // written in one go: one statement, whose now() both rows carry
      expect(attempts[0]!.created_at).toEqual(row.sent_at);

      // nothing is due any more: another pass sends nothing
      await h.drainMail();
      expect(smtp().to(member.user.email)).toHaveLength(1);
    });

    it('escapes user-controlled names in the HTML part end to end', async () => {
      const member = await h.member();
      member.user.fullName = 'Ada <b>Lovelace</b>';
      await h.notify(member, 'booking.confirmed', {
        payload: { workspace: { name: '<script>alert(1)</script> & Co' } },
      });

      await h.drainMail();

      const [mail] = smtp().to(member.user.email);
      expect(mail!.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
      expect(mail!.html).toContain('Hi Ada &lt;b&gt;Lovelace&lt;/b&gt;,');
      expect(mail!.html).not.toContain('<script>');
      expect(mail!.html).not.toContain('<b>');
      expect(mail!.subject).toBe('Booking confirmed: <script>alert(1)</script> & Co on Mon 30 Nov 2026');
    });

    it('makes no email, and sends none, while the user has email turned off', async () => {
      const member = await h.member();
      const off = await h.app.patch('/notifications/preferences', {
        token: member.token,
        body: { emailEnabled: false },
      });
      expect(off.status).toBe(200);

      const event = await h.notify(member, 'refund.issued');
      await h.drainMail();

      expect((await h.rowsOf(event)).map((r) => r.channel)).toEqual(['IN_APP']);
      expect(smtp().to(member.user.email)).toEqual([]);

      // turned back on, the next event emails again
      await h.app.patch('/notifications/preferences', { token: member.token, body: { emailEnabled: true } });
      await h.notify(member, 'booking.cancelled');
      await h.drainMail();
      expect(smtp().to(member.user.email)).toHaveLength(1);
    });

    it('retries an email the server refuses (451), recording each attempt, and sends it once the server takes it', async () => {
      const member = await h.member();
      const event = await h.notify(member, 'payment.failed');
      const { id } = (await h.emailOf(event))!;
      smtp().refuseWith = { code: 451, message: 'Try again later' };

      const before = Date.now();
      await h.drainMail();

      let row = (await h.emailOf(event))!;
      expect(row).toMatchObject({ status: 'PENDING', attempts: 1 });
      expect(row.last_error).toMatch(/451/);
      // the first retry waits MAIL_RETRY_BASE_MS (60 s in this app) with jitter: at least half of it
      expect(row.next_attempt_at!.getTime()).toBeGreaterThan(before + 29_000);
      expect(smtp().to(member.user.email)).toEqual([]);

      smtp().refuseWith = undefined;
      await h.drainMail();
      expect(smtp().to(member.user.email)).toEqual([]); // not due yet

      await h.makeDue(id);
      await h.drainMail();

      row = (await h.emailOf(event))!;
      expect(row).toMatchObject({ status: 'SENT', attempts: 2, last_error: null });
      expect(smtp().to(member.user.email)).toHaveLength(1);
      const attempts = await attemptsOf(id);
      expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
        [1, 'FAILED'],
        [2, 'SENT'],
      ]);
      expect(attempts[0]!.error).toMatch(/451/);
      expect(attempts[0]!.smtp_response).toMatch(/^451/);
    });

    it('retries while the SMTP server is down, and sends once it is back', async () => {
      const member = await h.member();
      const event = await h.notify(member, 'booking.expired');
      const { id } = (await h.emailOf(event))!;
      await smtp().stop();
      try {
        await h.drainMail();
        const row = (await h.emailOf(event))!;
        expect(row).toMatchObject({ status: 'PENDING', attempts: 1 });
        expect(row.last_error).toMatch(/ECONNREFUSED|ECONNECTION/);
      } finally {
        await smtp().restart();
      }

      await h.makeDue(id);
      await h.drainMail();

      expect((await h.emailOf(event))!).toMatchObject({ status: 'SENT', attempts: 2 });
      expect(smtp().to(member.user.email)).toHaveLength(1);
    });

    it(`gives up after MAIL_MAX_ATTEMPTS (${MAX_ATTEMPTS}) refused attempts: FAILED, and never tried again`, async () => {
      const member = await h.member();
      const event = await h.notify(member, 'booking.rescheduled');
      const { id } = (await h.emailOf(event))!;
      smtp().refuseWith = { code: 550, message: 'Mailbox unavailable' };

      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        await h.makeDue(id);
        await h.drainMail();
      }

      const row = (await h.emailOf(event))!;
      expect(row).toMatchObject({ status: 'FAILED', attempts: MAX_ATTEMPTS, next_attempt_at: null, sent_at: null });
      expect(row.last_error).toMatch(/550/);
      const attempts = await attemptsOf(id);
      expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual(
        Array.from({ length: MAX_ATTEMPTS }, (_, i) => [i + 1, 'FAILED']),
      );
      expect(attempts.every((a) => /550/.test(a.error!) && /^550/.test(a.smtp_response!))).toBe(true);

      smtp().refuseWith = undefined;
      await h.makeDue(id); // a FAILED email is not PENDING: nothing to make due
      await h.drainMail();
      expect(smtp().to(member.user.email)).toEqual([]);
      expect((await h.emailOf(event))!.status).toBe('FAILED');
    });

    it('never lets two dispatchers on one database send a message twice', async () => {
      const members = await Promise.all(Array.from({ length: 12 }, () => h.member()));
      for (const member of members) await h.notify(member, 'booking.confirmed');
      // a second replica's dispatcher: its own instance, the same database and SMTP server
      const other = new MailDispatcher(
        h.app.app.get(DeliveryRepository),
        h.app.app.get(MailTransport),
        h.app.app.get(NotificationServiceConfig),
      );

      const [a, b] = await Promise.all([h.drainMail(), h.drainMail(other)]);

      expect(a.sent + b.sent).toBe(12);
      expect(a.leaseLost + b.leaseLost).toBe(0);
      for (const member of members) expect(smtp().to(member.user.email)).toHaveLength(1);
    });

    it('does not claim an email another dispatcher holds, takes it over once that lease runs out, and records a late finish without applying it', async () => {
      const member = await h.member();
      const event = await h.notify(member, 'booking.confirmed');
      const { id } = (await h.emailOf(event))!;
      const deliveries = h.app.app.get(DeliveryRepository);

      // a dispatcher claims it, and dies before sending
      const [claimed] = (await deliveries.claimDue(50, 60_000)).filter((e) => e.id === id);
      expect(claimed).toBeDefined();
      expect(claimed!.leaseUntil).toBeInstanceOf(Date);
      expect((await deliveries.claimDue(50, 60_000)).map((e) => e.id)).not.toContain(id);

      await h.makeDue(id); // its lease ran out
      await h.drainMail();
      expect((await h.emailOf(event))!).toMatchObject({ status: 'SENT', attempts: 1 });
      expect(smtp().to(member.user.email)).toHaveLength(1);

      // the first dispatcher coming back late changes nothing of the email, whether it sent it or
      // failed to, and its attempts are on record all the same
      const sent = (await h.emailOf(event))!;
      expect(sent).toMatchObject({ status: 'SENT', attempts: 1 });
      expect(await deliveries.recordSent(claimed!, { smtpResponse: '250 late', messageId: null })).toBe('lease-lost');
      expect(await deliveries.recordFailed(claimed!, 'late failure', '451 late', MAX_ATTEMPTS, 1000)).toBe(
        'lease-lost',
      );
      expect((await h.emailOf(event))!).toEqual(sent);
      const attempts = await attemptsOf(id);
      expect(attempts).toHaveLength(3);
      expect(attempts).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ attempt: 1, outcome: 'SENT', message_id: `<${id}@cowork.local>` }),
          expect.objectContaining({ attempt: 1, outcome: 'SENT', error: null, smtp_response: '250 late' }),
          expect.objectContaining({ attempt: 1, outcome: 'FAILED', error: 'late failure', smtp_response: '451 late' }),
        ]),
      );
    });
  });
}
