import { randomUUID } from 'node:crypto';
import { EventRecorder } from '../support/event-recorder.js';
import { all, api, eventually, sleep } from '../support/http.js';
import { Platform } from '../support/platform.js';
import { SmtpSink } from '../support/smtp-sink.js';

const admin = { email: `admin-${randomUUID()}@example.com`, password: 'the first admin password' };
const log = (line: string) => process.stderr.write(`[events e2e] ${line}\n`);

/** A one-hour slot `daysAhead` days from now at `hour`:00 UTC. */
function slot(daysAhead: number, hour: number, hours = 1) {
  const start = new Date(Date.now() + daysAhead * 86_400_000);
  start.setUTCHours(hour, 0, 0, 0);
  return { startTime: start.toISOString(), endTime: new Date(start.getTime() + hours * 3_600_000).toISOString() };
}

describe('events are never lost (real processes, real SMTP)', () => {
  let platform: Platform;
  let smtp: SmtpSink;
  let recorder: EventRecorder;
  let adminToken: string;
  let booking: string;

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    recorder = await EventRecorder.start();
    platform = await Platform.start(
      [
        'auth-service',
        'user-service',
        'workspace-service',
        'booking-service',
        'payment-service',
        'notification-service',
        'reporting-service',
      ],
      {
        admin,
        subscribers: { 'event-recorder': recorder.url },
        env: {
          'booking-service': {
            RELAY_RETRY_BASE_MS: '200',
            RELAY_RETRY_MAX_MS: '2000',
            RELAY_MAX_ATTEMPTS: '100',
            DOWNSTREAM_TIMEOUT_MS: '1000',
            RELAY_LEASE_MS: '5000',
            CIRCUIT_BREAKER_HALF_OPEN_MS: '500',
            CANCELLATION_FULL_REFUND_HOURS: '24',
          },
          'notification-service': {
            SMTP_HOST: '127.0.0.1',
            SMTP_PORT: String(smtp.port),
            MAIL_DISPATCH_INTERVAL_MS: '200',
            MAIL_RETRY_BASE_MS: '200',
          },
        },
      },
    );
    booking = platform.url('booking-service');
    for (let i = 0; i < 50 && !adminToken; i++) {
      const login = await api('POST', `${platform.url('auth-service')}/auth/login`, { body: admin });
      if (login.status === 200) adminToken = login.body.accessToken;
      else await sleep(200);
    }
    expect(adminToken).toBeDefined();
  });
  afterAll(async () => {
    await platform?.stop();
    await smtp?.close();
    await recorder?.close();
  });

  it('notifies and counts each of 100 bookings exactly once while notification-service is SIGKILLed and reporting-service is down', async () => {
    const workspaces: { id: string; currency: string }[] = [];
    for (const [name, currency, rate] of [
      ['Event Hall', 'EUR', 1200],
      ['Quiet Corner', 'GBP', 900],
    ] as const) {
      const res = await api('POST', `${platform.url('workspace-service')}/workspaces`, {
        token: adminToken,
        body: { name, type: 'DESK', capacity: 4, hourlyRateCents: rate, currency, timezone: 'Europe/Berlin' },
      });
      expect(res.status).toBe(201);
      workspaces.push({ id: res.body.id, currency });
    }
    const members: { id: string; token: string }[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await api('POST', `${platform.url('auth-service')}/auth/register`, {
        body: {
          email: `member-${i}-${randomUUID()}@example.com`,
          password: 'a long enough passphrase',
          fullName: `Member ${i}`,
        },
      });
      expect(res.status).toBe(201);
      members.push({ id: res.body.user.id, token: res.body.accessToken });
    }

    // 100 bookings in waves of 10; every tenth card is declined. notification-service is
    // SIGKILLed after wave 2 and back after wave 4; reporting-service is stopped from wave 5 to 8.
    const made: { id: string; member: number; status: number }[] = [];
    for (let wave = 0; wave < 10; wave++) {
      if (wave === 2) await platform.service('notification-service').kill();
      if (wave === 4) await platform.service('notification-service').start();
      if (wave === 5) await platform.service('reporting-service').stop();
      if (wave === 8) await platform.service('reporting-service').start();
      const answers = await Promise.all(
        Array.from({ length: 10 }, async (_, j) => {
          const i = wave * 10 + j;
          const res = await api('POST', `${booking}/bookings`, {
            token: members[i % 4].token,
            headers: { 'idempotency-key': randomUUID() },
            body: {
              workspaceId: workspaces[i % 2].id,
              ...slot(2 + Math.floor(i / 20), 2 + (i % 20)),
              paymentMethod: i % 10 === 7 ? 'pm_card_declined' : 'pm_card_visa',
            },
          });
          return { id: res.body.id as string, member: i % 4, status: res.status };
        }),
      );
      made.push(...answers);
    }
    expect(made.filter((m) => m.status === 201)).toHaveLength(90);
    expect(made.filter((m) => m.status === 402)).toHaveLength(10);

    // some money moves back and forth: 10 cancellations (refunded in full), 5 longer reschedules (charged)
    const confirmed = made.filter((m) => m.status === 201);
    for (const m of confirmed.slice(0, 10)) {
      const res = await api('POST', `${booking}/bookings/${m.id}/cancel`, { token: members[m.member].token });
      expect(res.status).toBe(200);
    }
    for (const m of confirmed.slice(10, 15)) {
      const current = await api('GET', `${booking}/bookings/${m.id}`, { token: members[m.member].token });
      const res = await api('PATCH', `${booking}/bookings/${m.id}`, {
        token: members[m.member].token,
        body: { endTime: new Date(new Date(current.body.endTime).getTime() + 3_600_000).toISOString() },
      });
      expect(res.status).toBe(200);
    }

    // every delivery settles: nothing pending, nothing dead
    const events = await eventually(
      'every event delivered',
      async () => {
        const pending = await api('GET', `${booking}/internal/outbox?status=PENDING&limit=1`, { token: adminToken });
        return pending.body.items.length === 0 ? all(`${booking}/internal/outbox`, adminToken) : undefined;
      },
      90_000,
    );
    expect(await all(`${booking}/internal/outbox?status=DEAD`, adminToken)).toEqual([]);
    const undelivered = events.flatMap((e: any) => e.deliveries.filter((d: any) => d.status !== 'DELIVERED'));
    expect(undelivered).toEqual([]);
    const confirmations = events.filter((e: any) => e.type === 'booking.confirmed');
    expect(confirmations).toHaveLength(90);
    const recorded = new Set(recorder.deliveries.map((d) => d.id));
    log(
      `events written ${events.length}, delivered to each of ${events[0].deliveries.length} subscribers ${events.length}, ` +
        `recorder received ${recorder.deliveries.length} deliveries of ${recorded.size} events, duplicates ${recorder.duplicates().length}, ` +
        `missing ${events.filter((e: any) => !recorded.has(e.id)).length}`,
    );
    expect(recorded.size).toBe(events.length);
    expect(recorder.duplicates()).toEqual([]);

    // exactly one confirmation notification in-app, and one email, per confirmed booking
    const notifications = platform.url('notification-service');
    const inApp: any[] = [];
    const emails: any[] = [];
    for (const m of members) {
      inApp.push(
        ...(await all(
          `${notifications}/notifications?userId=${m.id}&type=BOOKING_CONFIRMED&channel=IN_APP`,
          adminToken,
        )),
      );
    }
    const sent = await eventually(
      'every email sent',
      async () => {
        emails.length = 0;
        for (const m of members)
          emails.push(...(await all(`${notifications}/notifications?userId=${m.id}&channel=EMAIL`, adminToken)));
        return emails.every((e) => e.status === 'SENT') ? emails : undefined;
      },
      90_000,
    );
    const perBooking = (rows: any[]) => {
      const counts = new Map<string, number>();
      for (const r of rows) counts.set(r.bookingId, (counts.get(r.bookingId) ?? 0) + 1);
      return counts;
    };
    const confirmedIds = new Set(confirmations.map((e: any) => e.aggregateId));
    const inAppCounts = perBooking(inApp);
    expect(new Set(inAppCounts.keys())).toEqual(confirmedIds);
    expect([...inAppCounts.values()].every((n) => n === 1)).toBe(true);
    const confirmationEmails = sent.filter((e) => e.type === 'BOOKING_CONFIRMED');
    const emailCounts = perBooking(confirmationEmails);
    expect(new Set(emailCounts.keys())).toEqual(confirmedIds);
    expect([...emailCounts.values()].every((n) => n === 1)).toBe(true);

    await eventually(
      'the SMTP server to receive every email',
      async () => (smtp.messages.length >= sent.length ? true : undefined),
      90_000,
    );
    const received = new Map<string, number>();
    for (const m of smtp.messages) received.set(m.messageId, (received.get(m.messageId) ?? 0) + 1);
    const duplicatesInSmtp = [...received.values()].filter((n) => n > 1).length;
    const missingInSmtp = sent.filter((e) => !received.has(`<${e.id}@cowork.local>`)).length;
    log(
      `notifications: ${inApp.length} in-app confirmations for ${confirmedIds.size} confirmed bookings; ` +
        `${sent.length} emails SENT (${confirmationEmails.length} confirmations), SMTP server received ${smtp.messages.length}, ` +
        `duplicates ${duplicatesInSmtp}, missing ${missingInSmtp}`,
    );
    expect(missingInSmtp).toBe(0);
    // Email is at least once: a process killed after the SMTP server accepted a message and before
    // it recorded SENT sends it again (on embedded PGlite, where every write waits its turn, the
    // window is wider, but a kill can land in it on PostgreSQL too). A copy keeps its Message-ID
    // (the receiver can drop it), and only the emails in flight at the one kill (at most a
    // dispatch batch, 10) can be copied.
    const copies = smtp.messages.length - received.size;
    expect(copies).toBeLessThanOrEqual(10);
    expect(received.size).toBe(sent.length);
    if (copies > 0) log(`${copies} emails in flight at the kill were sent again, with the same Message-ID`);

    // reporting's totals equal booking-service's and payment-service's own data, to the cent
    const bookings = await all(`${booking}/bookings`, adminToken);
    const payments = await all(`${platform.url('payment-service')}/payments`, adminToken);
    const net = new Map<string, number>();
    for (const p of payments) {
      if (['SUCCEEDED', 'PARTIALLY_REFUNDED', 'REFUNDED'].includes(p.status)) {
        net.set(p.currency, (net.get(p.currency) ?? 0) + p.amountCents - p.refundedCents);
      }
    }
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const summary = await api(
      'GET',
      `${platform.url('reporting-service')}/reports/summary?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      { token: adminToken },
    );
    expect(summary.status).toBe(200);
    const byStatus = new Map<string, number>();
    for (const b of bookings) byStatus.set(b.status, (byStatus.get(b.status) ?? 0) + 1);
    const reported = summaryCounts(summary.body);
    for (const [status, count] of byStatus) expect([status, reported[status]]).toEqual([status, count]);
    const revenue = summary.body.revenue as {
      currency: string;
      netCents: number;
      capturedCents: number;
      refundedCents: number;
    }[];
    for (const [currency, cents] of net) {
      expect([currency, revenue.find((r) => r.currency === currency)?.netCents]).toEqual([currency, cents]);
    }
    log(
      `report vs source: bookings ${JSON.stringify(Object.fromEntries(byStatus))} = ${JSON.stringify(reported)}; ` +
        `net revenue ${JSON.stringify(Object.fromEntries(net))} (payment-service) = ` +
        `${JSON.stringify(Object.fromEntries(revenue.map((r) => [r.currency, r.netCents])))} (reporting)`,
    );
  });

  it('two booking-service processes relay one outbox: no event delivered twice at once, none missed', async () => {
    if (!platform.onPostgres('booking-service')) {
      log('skipped: two processes cannot share an embedded PGlite database');
      return;
    }
    const second = await platform.replica('booking-service');
    const workspace = await api('POST', `${platform.url('workspace-service')}/workspaces`, {
      token: adminToken,
      body: { name: 'Replica Room', type: 'DESK', capacity: 1, hourlyRateCents: 500, currency: 'EUR', timezone: 'UTC' },
    });
    const member = await api('POST', `${platform.url('auth-service')}/auth/register`, {
      body: { email: `replica-${randomUUID()}@example.com`, password: 'a long enough passphrase', fullName: 'Replica' },
    });
    recorder.delayMs = 50; // a wider window for two relays to collide in
    const before = new Set(recorder.deliveries.map((d) => d.id));
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        api('POST', `${i % 2 ? second.url : booking}/bookings`, {
          token: member.body.accessToken,
          headers: { 'idempotency-key': randomUUID() },
          body: { workspaceId: workspace.body.id, ...slot(10 + Math.floor(i / 10), 8 + (i % 10)) },
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(30).fill(201));
    const ids = new Set(answers.map((a) => a.body.id as string));
    const events = await eventually(
      'both relays to deliver everything',
      async () => {
        const pending = await api('GET', `${booking}/internal/outbox?status=PENDING&limit=1`, { token: adminToken });
        if (pending.body.items.length) return undefined;
        return (await all(`${booking}/internal/outbox`, adminToken)).filter((e: any) => ids.has(e.aggregateId));
      },
      90_000,
    );
    const fresh = recorder.deliveries.filter((d) => !before.has(d.id));
    const counts = new Map<string, number>();
    for (const d of fresh) counts.set(d.id, (counts.get(d.id) ?? 0) + 1);
    log(
      `two relays: ${events.length} events, ${fresh.length} deliveries to the recorder, ` +
        `max concurrent deliveries of one event ${recorder.maxConcurrentPerEvent}`,
    );
    expect(events).toHaveLength(60); // created + confirmed per booking
    expect(new Set(counts.keys())).toEqual(new Set(events.map((e: any) => e.id)));
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(recorder.maxConcurrentPerEvent).toBe(1);
  });
});

/** The summary's bookings-by-status counts (deleted ones are counted apart). */
function summaryCounts(body: any): Record<string, number> {
  return body.bookings;
}
