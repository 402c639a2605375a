import { randomUUID } from 'node:crypto';
import { OutboxRelay } from '../src/outbox/outbox-relay.js';
import { OutboxRepository } from '../src/outbox/outbox.repository.js';
import { BookingHarness, everyDay, expectProblem, slot } from './support/booking-app.js';
import { FakeSubscriber } from './support/event-subscriber.js';

type Actor = { token: string; user: { id: string } };

/**
 * The outbox relay against stand-in subscribers over real HTTP: what is delivered, in which
 * order, what happens on failure, with several relays at once, and the admin's view of it.
 */
describe('outbox relay (integration)', () => {
  let h: BookingHarness;
  let notifications: FakeSubscriber;
  let reports: FakeSubscriber;
  let member: Actor;
  let admin: Actor;
  let relay: OutboxRelay;
  let hours = 24;

  beforeAll(async () => {
    notifications = await FakeSubscriber.start();
    reports = await FakeSubscriber.start();
    h = await BookingHarness.start({
      EVENT_SUBSCRIBERS: `notification-service=${notifications.url},reporting-service=${reports.url}`,
      RELAY_MAX_ATTEMPTS: '3',
      RELAY_RETRY_BASE_MS: '10',
      RELAY_RETRY_MAX_MS: '40',
      DOWNSTREAM_TIMEOUT_MS: '1000',
      RELAY_LEASE_MS: '2500',
      // a broken subscriber must not trip the breaker and slow the other tests down
      CIRCUIT_BREAKER_THRESHOLD: '1000',
    });
    member = await h.member({ fullName: 'Rita Relay' });
    admin = await h.admin();
    relay = h.app.app.get(OutboxRelay);
  });
  afterEach(() => {
    notifications.failWhen = () => false;
    reports.failWhen = () => false;
    notifications.down = false;
    notifications.delayMs = 0;
    reports.batchRoute = true;
  });
  afterAll(async () => {
    await h?.close();
    await notifications?.close();
    await reports?.close();
  });

  /** A confirmed booking (booking.created + booking.confirmed in the outbox). */
  const book = async (workspace = {}) => {
    const ws = h.workspace(workspace);
    return h.booked(member.token, { workspaceId: ws.id, ...slot((hours += 2), 1) });
  };
  /** Runs relay passes (waiting out backoffs) until every PENDING delivery is settled or held behind a DEAD one. */
  const settle = async (ms = 5000) => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      await relay.drain();
      const [{ open }] = await h.prisma.$queryRaw<{ open: number }[]>`
        SELECT count(*)::int AS open FROM outbox_deliveries d
        WHERE d.status = 'PENDING' AND NOT EXISTS (
          SELECT 1 FROM outbox_deliveries p WHERE p.subscriber = d.subscriber AND p.aggregate_id = d.aggregate_id
            AND p.position < d.position AND p.status = 'DEAD')`;
      if (open === 0) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('the relay did not settle in time');
  };
  const deliveries = (aggregateId: string) =>
    h.prisma.outboxDelivery.findMany({ where: { aggregateId }, orderBy: [{ position: 'asc' }, { subscriber: 'asc' }] });
  /** Due again after the first backoff (RELAY_RETRY_BASE_MS 10, capped at 40), not at the end of the lease. */
  const expectBackoff = (delivery: { nextAttemptAt: Date }, sent: number) => {
    expect(delivery.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(sent + 10);
    expect(delivery.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now() + 40);
  };
  /** Each booking's first event (booking.created), in outbox order. */
  const firstEvents = async (bookings: { id: string }[]) =>
    (
      await h.prisma.outboxEvent.findMany({
        where: { aggregateId: { in: bookings.map((b) => b.id) }, type: 'booking.created' },
        orderBy: { position: 'asc' },
      })
    ).map((e) => ({ id: e.id, aggregateId: e.aggregateId }));
  /** outbox_deliveries_total from GET /metrics, by `subscriber/outcome`. */
  const deliveryCounts = async (): Promise<Record<string, number>> => {
    const { text } = await h.app.get('/metrics');
    const counts: Record<string, number> = {};
    for (const [, labels, value] of text.matchAll(/^outbox_deliveries_total\{([^}]*)\} (\d+)/gm)) {
      const label = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(labels!)?.[1];
      counts[`${label('subscriber')}/${label('outcome')}`] = Number(value);
    }
    return counts;
  };

  it('delivers every event to every subscriber as a versioned envelope a consumer can act on alone', async () => {
    const booking = await book({
      name: 'Lovelace Room',
      timezone: 'Europe/Berlin',
      openingHours: everyDay('08:00', '20:00'),
    });
    await settle();

    for (const subscriber of [notifications, reports]) {
      const events = subscriber.forAggregate(booking.id);
      expect(events.map((e) => e.type)).toEqual(['booking.created', 'booking.confirmed']);
      const confirmed = events[1];
      expect(confirmed).toMatchObject({
        version: 1,
        source: 'booking-service',
        aggregateId: booking.id,
        payload: {
          booking: {
            id: booking.id,
            status: 'CONFIRMED',
            priceCents: booking.priceCents,
            paidCents: booking.priceCents,
          },
          user: { id: member.user.id, fullName: 'Rita Relay' },
          workspace: { name: 'Lovelace Room', timezone: 'Europe/Berlin', openingHours: everyDay('08:00', '20:00') },
          actorId: member.user.id,
        },
      });
      expect(confirmed.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Date(confirmed.occurredAt).toISOString()).toBe(confirmed.occurredAt);
      expect(confirmed.sequence).toBeGreaterThan(events[0].sequence);
      expect(confirmed.authorization).toMatch(/^Bearer \S+/);
    }
    const rows = await deliveries(booking.id);
    expect(rows).toHaveLength(4);
    expect(rows.every((d) => d.status === 'DELIVERED' && d.deliveredAt && d.attempts === 1)).toBe(true);
  });

  it('delivers what it claims with one batch call per subscriber, and marks every delivery of it delivered', async () => {
    const booked = [await book(), await book(), await book()];
    const before = await deliveryCounts();

    await relay.deliverDue(); // one pass: each booking's first event to each subscriber

    const created = await firstEvents(booked);
    for (const subscriber of [notifications, reports]) {
      const calls = subscriber.callsWith(created.map((e) => e.id));
      expect(calls).toEqual([{ requestId: `events-batch-${created[0]!.id}`, eventIds: created.map((e) => e.id) }]);
    }
    const rows = await h.prisma.outboxDelivery.findMany({ where: { eventId: { in: created.map((e) => e.id) } } });
    expect(rows.map((d) => [d.status, d.attempts, d.lastError])).toEqual(Array(6).fill(['DELIVERED', 1, null]));
    const after = await deliveryCounts();
    expect(after['notification-service/delivered']! - (before['notification-service/delivered'] ?? 0)).toBe(3);
    expect(after['reporting-service/delivered']! - (before['reporting-service/delivered'] ?? 0)).toBe(3);

    await settle(); // then each booking's confirmation, again one call per subscriber
    for (const booking of booked) expect(reports.forAggregate(booking.id).map((e) => e.answered)).toEqual([200, 200]);
  });

  it('delivers one event per call, in order, to a subscriber that has no batch route yet (a rolling deploy)', async () => {
    const [first, refused, third, fourth] = [await book(), await book(), await book(), await book()];
    const created = await firstEvents([first, refused, third, fourth]);
    reports.batchRoute = false;
    reports.failWhen = (e) => (e.id === created[1]!.id ? 422 : e.id === created[3]!.id ? 503 : false);

    await relay.deliverDue();

    // the batch call got 404; then each event on its own, in outbox order, until the unexpected 503
    expect(reports.callsWith(created.map((e) => e.id))).toEqual(
      created.map((e) => ({ requestId: `event-${e.id}`, eventIds: [e.id], path: '/internal/events' })),
    );
    const rows = await h.prisma.outboxDelivery.findMany({
      where: { subscriber: 'reporting-service', eventId: { in: created.map((e) => e.id) } },
    });
    const byEvent = new Map(rows.map((d) => [d.eventId, d]));
    expect(byEvent.get(created[0]!.id)).toMatchObject({ status: 'DELIVERED', attempts: 1 });
    expect(byEvent.get(created[1]!.id)).toMatchObject({
      status: 'PENDING',
      attempts: 1,
      lastError: 'HTTP 422 BROKEN: refused',
    });
    expect(byEvent.get(created[2]!.id)).toMatchObject({ status: 'DELIVERED', attempts: 1 });
    expect(byEvent.get(created[3]!.id)).toMatchObject({ status: 'PENDING', attempts: 1 });

    reports.failWhen = () => false; // the rest goes through one by one; every booking's events arrive in order
    await settle();
    for (const booking of [first, refused, third, fourth]) {
      expect(
        reports
          .forAggregate(booking.id)
          .filter((e) => e.answered === 200)
          .map((e) => e.type),
      ).toEqual(['booking.created', 'booking.confirmed']);
    }
  });

  it('retries, then parks, an event the subscriber rejects while its batch neighbours are delivered', async () => {
    const [refused, neighbour] = [await book(), await book()];
    const [created, neighbourCreated] = await firstEvents([refused, neighbour]);
    reports.failWhen = (e) => (e.id === created!.id ? 422 : false);

    const sent = Date.now();
    await relay.deliverDue();

    expect(reports.callsWith([created!.id])).toEqual([
      { requestId: `events-batch-${created!.id}`, eventIds: [created!.id, neighbourCreated!.id] },
    ]);
    const row = (eventId: string) =>
      h.prisma.outboxDelivery.findUniqueOrThrow({
        where: { eventId_subscriber: { eventId, subscriber: 'reporting-service' } },
      });
    expect(await row(neighbourCreated!.id)).toMatchObject({ status: 'DELIVERED', attempts: 1 });
    const retrying = await row(created!.id);
    expect(retrying).toMatchObject({ status: 'PENDING', attempts: 1, lastError: 'HTTP 422 BROKEN: refused' });
    expectBackoff(retrying, sent);

    await settle();
    expect(await row(created!.id)).toMatchObject({ status: 'DEAD', attempts: 3 });
    expect(reports.forAggregate(refused.id).map((e) => e.answered)).toEqual([422, 422, 422]);
    expect(reports.forAggregate(neighbour.id).map((e) => e.answered)).toEqual([200, 200]);

    reports.failWhen = () => false; // fixed: re-driven, it goes through, and the booking's next event follows
    expect((await h.app.post(`/internal/outbox/${created!.id}/retry`, { token: admin.token })).status).toBe(200);
    await settle();
    expect((await deliveries(refused.id)).map((d) => d.status)).toEqual(Array(4).fill('DELIVERED'));
  });

  it('delivers the events a subscriber answered before it stopped, and retries the ones after without counting an attempt', async () => {
    const booked = [await book(), await book(), await book()];
    const created = await firstEvents(booked);
    let failures = 0;
    // an unexpected failure on the second event, once: the consumer answers the first and stops
    notifications.failWhen = (e) => (e.id === created[1]!.id && failures++ === 0 ? 500 : false);

    await relay.deliverDue();

    const rows = await h.prisma.outboxDelivery.findMany({
      where: { subscriber: 'notification-service', eventId: { in: created.map((e) => e.id) } },
    });
    const byEvent = new Map(rows.map((d) => [d.eventId, d]));
    expect(byEvent.get(created[0]!.id)).toMatchObject({ status: 'DELIVERED' });
    expect(byEvent.get(created[1]!.id)).toMatchObject({ status: 'PENDING', attempts: 1 });
    // never tried by the subscriber: the attempt counted at the claim is given back
    expect(byEvent.get(created[2]!.id)).toMatchObject({
      status: 'PENDING',
      attempts: 0,
      lastError: expect.stringContaining('no receipt'),
    });
    expect(notifications.forAggregate(booked[2]!.id)).toEqual([]); // never looked at

    await settle();
    for (const booking of booked) {
      expect((await deliveries(booking.id)).map((d) => d.status)).toEqual(Array(4).fill('DELIVERED'));
    }
    expect(notifications.deliveredIds().filter((id) => id === created[0]!.id)).toHaveLength(1);
  });

  it('retries every delivery of a batch to a subscriber that is down, and delivers the other subscriber its batch', async () => {
    const booked = [await book(), await book()];
    const created = await firstEvents(booked);
    notifications.down = true;

    const sent = Date.now();
    await relay.deliverDue();

    const rows = await h.prisma.outboxDelivery.findMany({ where: { eventId: { in: created.map((e) => e.id) } } });
    const of = (subscriber: string) => rows.filter((d) => d.subscriber === subscriber);
    expect(of('reporting-service').map((d) => d.status)).toEqual(['DELIVERED', 'DELIVERED']);
    for (const d of of('notification-service')) {
      expect(d).toMatchObject({ status: 'PENDING', attempts: 1, lastError: expect.any(String) });
      expectBackoff(d, sent);
    }

    notifications.down = false;
    await settle();
    for (const booking of booked) {
      expect(notifications.forAggregate(booking.id).map((e) => [e.type, e.answered])).toEqual([
        ['booking.created', 200],
        ['booking.confirmed', 200],
      ]);
    }
  });

  it('holds a booking back behind its refused event while other bookings flow, then delivers in order', async () => {
    const stuck = await book();
    let refusals = 0;
    // the first event of `stuck` is refused twice (one attempt short of DEAD), then accepted
    notifications.failWhen = (e) =>
      e.aggregateId === stuck.id && e.type === 'booking.created' && refusals++ < 2 ? 422 : false;
    await h.app.post(`/bookings/${stuck.id}/cancel`, { token: member.token });
    const other = await book();

    await relay.drain(); // stuck's first event is refused (and backs off); the other booking's events go out
    expect(notifications.forAggregate(other.id).map((e) => e.answered)).toEqual([200, 200]);

    await settle();
    const received = notifications.forAggregate(stuck.id);
    expect(received.map((e) => [e.type, e.answered])).toEqual([
      ['booking.created', 422],
      ['booking.created', 422],
      ['booking.created', 200],
      ['booking.confirmed', 200],
      ['booking.cancelled', 200],
      ['refund.issued', 200], // cancelled more than a day ahead: refunded in full
    ]);
    // nothing of `stuck` went out before its first event was accepted
    const accepted = notifications.received.findIndex((e) => e.aggregateId === stuck.id && e.answered === 200);
    const firstLater = notifications.received.findIndex(
      (e) => e.aggregateId === stuck.id && e.type !== 'booking.created',
    );
    expect(firstLater).toBeGreaterThan(accepted);
    const delivered = received.filter((e) => e.answered === 200).map((e) => e.sequence);
    expect(delivered).toEqual([...delivered].sort((a, b) => a - b));
    // the other subscriber was never held back
    expect(reports.forAggregate(stuck.id).map((e) => e.answered)).toEqual([200, 200, 200, 200]);
  });

  it('parks an event as DEAD after RELAY_MAX_ATTEMPTS, keeps delivering others, and re-drives it on retry', async () => {
    const doomed = await book();
    reports.failWhen = (e) => (e.aggregateId === doomed.id ? 500 : false);
    await settle();

    const [created] = await h.prisma.outboxEvent.findMany({
      where: { aggregateId: doomed.id },
      orderBy: { position: 'asc' },
    });
    const dead = await h.prisma.outboxDelivery.findUniqueOrThrow({
      where: { eventId_subscriber: { eventId: created.id, subscriber: 'reporting-service' } },
    });
    expect(dead).toMatchObject({ status: 'DEAD', attempts: 3 });
    expect(dead.lastError).toContain('500');
    expect(reports.forAggregate(doomed.id).map((e) => e.type)).toEqual(Array(3).fill('booking.created'));
    // notification-service got both events; a later booking reaches reporting
    expect(notifications.forAggregate(doomed.id).map((e) => e.answered)).toEqual([200, 200]);
    const later = await book();
    await settle();
    expect(reports.forAggregate(later.id).map((e) => e.answered)).toEqual([200, 200]);

    const list = await h.app.get('/internal/outbox?status=DEAD&subscriber=reporting-service', { token: admin.token });
    expect(list.status).toBe(200);
    const listed = (
      list.body.items as { id: string; deliveries: { subscriber: string; status: string; lastError: string }[] }[]
    ).find((e) => e.id === created.id);
    expect(listed?.deliveries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          subscriber: 'reporting-service',
          status: 'DEAD',
          lastError: expect.stringContaining('500'),
        }),
      ]),
    );

    reports.failWhen = () => false; // the consumer is fixed
    const retried = await h.app.post(`/internal/outbox/${created.id}/retry`, { token: admin.token });
    expect(retried.status).toBe(200);
    expect(retried.body.deliveries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ subscriber: 'reporting-service', status: 'PENDING', attempts: 0 }),
      ]),
    );
    await settle();
    expect(
      reports
        .forAggregate(doomed.id)
        .filter((e) => e.answered === 200)
        .map((e) => e.type),
    ).toEqual(['booking.created', 'booking.confirmed']);
    expect((await deliveries(doomed.id)).map((d) => d.status)).toEqual(Array(4).fill('DELIVERED'));

    // a second retry is harmless: nothing is dead, the event comes back as it is
    const again = await h.app.post(`/internal/outbox/${created.id}/retry`, { token: admin.token });
    expect(again.status).toBe(200);
    expect(again.body.deliveries.every((d: { status: string }) => d.status === 'DELIVERED')).toBe(true);
  });

  it('never lets concurrent relays deliver one event twice, and misses none', async () => {
    const booked = await Promise.all(Array.from({ length: 12 }, () => book()));
    notifications.delayMs = 30;
    const before = new Set(notifications.received.map((e) => e.id));
    await Promise.all(Array.from({ length: 4 }, () => relay.drain()));
    await settle();

    const fresh = notifications.received.filter((e) => !before.has(e.id));
    const ids = fresh.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length); // each event once
    const expected = await h.prisma.outboxEvent.findMany({ where: { aggregateId: { in: booked.map((b) => b.id) } } });
    expect(new Set(ids)).toEqual(new Set(expected.map((e) => e.id)));
    expect(notifications.maxConcurrentPerEvent).toBe(1);
  });

  it('picks up what a relay that died mid-batch had claimed, once its lease runs out', async () => {
    const booking = await book();
    // a relay claims the batch and dies before delivering anything
    const claimed = await h.app.app.get(OutboxRepository).claimDue(50, 2500);
    expect(claimed.map((c) => c.event.aggregateId)).toContain(booking.id);
    await relay.drain();
    expect(notifications.forAggregate(booking.id)).toHaveLength(0); // leased: nobody else takes it

    await new Promise((r) => setTimeout(r, 2600));
    await settle();
    expect(notifications.forAggregate(booking.id).map((e) => [e.type, e.answered])).toEqual([
      ['booking.created', 200],
      ['booking.confirmed', 200],
    ]);
    const rows = await deliveries(booking.id);
    expect(rows.every((d) => d.status === 'DELIVERED')).toBe(true);
    expect(rows.find((d) => d.subscriber === 'notification-service')?.attempts).toBe(2); // the dead relay's attempt counts
  });

  describe('admin endpoints', () => {
    it('refuses anonymous callers (401), members and service tokens (403)', async () => {
      const id = randomUUID();
      const service = await h.serviceToken('admin-service');
      for (const [token, status] of [
        [undefined, 401],
        [member.token, 403],
        [service, 403],
      ] as const) {
        expectProblem(await h.app.get('/internal/outbox', { token }), status);
        expectProblem(await h.app.post(`/internal/outbox/${id}/retry`, { token }), status);
      }
    });

    it('rejects bad filters and ids with 400 naming them, and an unknown event with 404', async () => {
      const bad = await h.app.get('/internal/outbox?status=LOST&limit=0', { token: admin.token });
      expectProblem(bad, 400, 'VALIDATION_FAILED');
      expect(bad.body.detail).toMatch(/status/);
      expect(bad.body.detail).toMatch(/limit/);
      expectProblem(
        await h.app.get('/internal/outbox?subscriber=Not%20A%20Name', { token: admin.token }),
        400,
        'VALIDATION_FAILED',
      );
      expectProblem(
        await h.app.get('/internal/outbox?cursor=garbage', { token: admin.token }),
        400,
        'VALIDATION_FAILED',
      );
      expectProblem(
        await h.app.post('/internal/outbox/not-a-uuid/retry', { token: admin.token }),
        400,
        'VALIDATION_FAILED',
      );
      expectProblem(
        await h.app.post(`/internal/outbox/${randomUUID()}/retry`, { token: admin.token }),
        404,
        'OUTBOX_EVENT_NOT_FOUND',
      );
    });

    it('pages through events newest first', async () => {
      const first = await h.app.get('/internal/outbox?limit=2', { token: admin.token });
      expect(first.status).toBe(200);
      expect(first.body.items).toHaveLength(2);
      const second = await h.app.get(`/internal/outbox?limit=2&cursor=${first.body.nextCursor}`, {
        token: admin.token,
      });
      expect(second.body.items).toHaveLength(2);
      const sequences = [...first.body.items, ...second.body.items].map((e: { sequence: number }) => e.sequence);
      expect(sequences).toEqual([...sequences].sort((a, b) => b - a));
    });
  });
});
