import type { TestRequest } from '@cowork/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { BookingHarness, expectProblem, fieldsOf, slot } from './support/booking-app.js';

/**
 * Broken and hostile input on every booking endpoint: a 4xx problem+json naming what is wrong,
 * never a 500 or a stack trace, nothing written, and the service answers normally afterwards.
 */
describe('bad input (integration)', () => {
  let h: BookingHarness;
  let member: { token: string; user: { id: string } };
  let admin: { token: string };
  let workspaceId: string;
  let bookingId: string;

  beforeAll(async () => {
    h = await BookingHarness.start();
    member = await h.member();
    admin = await h.admin();
    workspaceId = h.workspace().id;
    bookingId = (await h.booked(member.token, { workspaceId, ...slot(500) })).id;
  });
  afterAll(async () => {
    await h?.close();
  });

  /** After each abuse: a normal request still gets a normal answer, and nothing else was booked. */
  async function expectStillServing(): Promise<void> {
    const res = await h.app.get('/bookings', { token: member.token });
    expect(res.status).toBe(200);
    expect(res.body.items.map((b: { id: string }) => b.id)).toEqual([bookingId]);
    expect(await h.prisma.booking.count()).toBe(1);
    // the one booking: booking.created and booking.confirmed (charged at once)
    expect(await h.prisma.outboxEvent.count()).toBe(2);
  }

  const create = (req: TestRequest) =>
    h.app.post('/bookings', { token: member.token, headers: { 'idempotency-key': randomUUID() }, ...req });
  const valid = () => ({ workspaceId, ...slot(24) });

  describe('malformed bodies', () => {
    it.each<[string, string, string, string]>([
      ['truncated JSON on create', 'POST', '/bookings', '{"workspaceId":'],
      ['a trailing comma on create', 'POST', '/bookings', '{"attendees":1,}'],
      ['single-quoted JSON on reschedule', 'PATCH', '/bookings/:id', "{'startTime':'2030-01-01T10:00:00Z'}"],
      ['an empty body declared as JSON', 'POST', '/bookings', ''],
      ['a __proto__ key (prototype poisoning)', 'POST', '/bookings', '{"__proto__":{"userId":"x"}}'],
      ['a constructor.prototype key', 'PATCH', '/bookings/:id', '{"constructor":{"prototype":{"status":"CONFIRMED"}}}'],
    ])('answers %s with 400 MALFORMED_JSON', async (_what, method, url, rawBody) => {
      const res = await h.app.request(method, url.replace(':id', bookingId), {
        token: member.token,
        rawBody,
        headers: { 'idempotency-key': randomUUID() },
      });
      expectProblem(res, 400, 'MALFORMED_JSON');
      await expectStillServing();
    });

    it.each([
      ['a JSON array', '[{"attendees":1}]'],
      ['a JSON string', '"book it"'],
      ['a JSON number', '42'],
      ['JSON null', 'null'],
    ])('answers %s where an object is expected with 400', async (_what, rawBody) => {
      const res = await create({ rawBody });
      expectProblem(res, 400);
      expect(['VALIDATION_FAILED', 'MALFORMED_JSON']).toContain(res.body.code);
      await expectStillServing();
    });

    it('answers a body that is not JSON (text/plain, XML) with 400 or 415', async () => {
      for (const [type, rawBody] of [
        ['text/plain', 'workspaceId=1'],
        ['application/xml', '<booking/>'],
      ]) {
        const res = await create({ rawBody, headers: { 'content-type': type!, 'idempotency-key': randomUUID() } });
        expect([400, 415]).toContain(res.status);
        expectProblem(res, res.status);
      }
      await expectStillServing();
    });
  });

  describe('wrong types, missing and unknown fields name the field', () => {
    it.each<[string, () => Record<string, unknown>, string[]]>([
      ['an empty object', () => ({}), ['endTime', 'startTime', 'workspaceId']],
      ['a workspaceId that is a number', () => ({ ...valid(), workspaceId: 42 }), ['workspaceId']],
      ['a workspaceId that is not a UUID', () => ({ ...valid(), workspaceId: 'room-1' }), ['workspaceId']],
      ['attendees as a string', () => ({ ...valid(), attendees: '2' }), ['attendees']],
      ['attendees as a fraction', () => ({ ...valid(), attendees: 1.5 }), ['attendees']],
      ['zero attendees', () => ({ ...valid(), attendees: 0 }), ['attendees']],
      ['more than 1000 attendees', () => ({ ...valid(), attendees: 1001 }), ['attendees']],
      ['a startTime that is a number', () => ({ ...valid(), startTime: Date.now() }), ['startTime']],
      ['a userId that is not a UUID', () => ({ ...valid(), userId: 'me' }), ['userId']],
      ['a payment method of another shape', () => ({ ...valid(), paymentMethod: 'visa' }), ['paymentMethod']],
      ['an unknown field (priceCents)', () => ({ ...valid(), priceCents: 0 }), ['priceCents']],
      ['an unknown field (status)', () => ({ ...valid(), status: 'CONFIRMED' }), ['status']],
      ['an injection attempt as an object', () => ({ ...valid(), workspaceId: { $ne: null } }), ['workspaceId']],
      [
        'two unknown fields and a wrong type',
        () => ({ ...valid(), attendees: [], id: randomUUID(), version: 9 }),
        ['attendees', 'id', 'version'],
      ],
    ])('answers a create with %s with 400 VALIDATION_FAILED', async (_what, body, fields) => {
      const res = await create({ body: body() });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(fields);
      await expectStillServing();
    });

    it.each<[string, Record<string, unknown>, string[]]>([
      ['a status', { status: 'CANCELLED' }, ['status']],
      [
        'a workspaceId (moving to another workspace is not a reschedule)',
        { workspaceId: randomUUID() },
        ['workspaceId'],
      ],
      ['a startTime that is not a date', { startTime: 'soon' }, ['startTime']],
    ])('answers a reschedule with %s with 400 VALIDATION_FAILED', async (_what, body, fields) => {
      const res = await h.app.patch(`/bookings/${bookingId}`, { token: member.token, body });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(fields);
      await expectStillServing();
    });

    it.each<[string, Record<string, string>, string]>([
      ['an unknown parameter', { sort: 'price' }, 'sort'],
      ['limit that is not a number', { limit: 'ten' }, 'limit'],
      ['limit 101', { limit: '101' }, 'limit'],
      ['a lower-case status', { status: 'pending' }, 'status'],
      ['a userId that is not a UUID', { userId: 'me' }, 'userId'],
      ['a from that is not a date', { from: 'yesterday' }, 'from'],
      ['a to without an offset', { to: '2030-01-01T10:00:00' }, 'to'],
      ['a cursor that is not base64 JSON', { cursor: '!!!' }, 'cursor'],
      [
        'a forged cursor with a non-UUID id',
        {
          cursor: Buffer.from(JSON.stringify({ createdAt: '2026-01-01T00:00:00.000Z', id: "' OR 1=1 --" })).toString(
            'base64url',
          ),
        },
        'cursor',
      ],
      ['a cursor longer than 512', { cursor: 'a'.repeat(513) }, 'cursor'],
    ])('answers GET /bookings with %s with 400 naming it', async (_what, query, field) => {
      const res = await h.app.get('/bookings', { token: admin.token, query });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toContain(field);
      await expectStillServing();
    });

    it('answers a repeated query parameter with 400', async () => {
      for (const url of ['/bookings?limit=1&limit=2', '/bookings?status=PENDING&status=CANCELLED']) {
        expectProblem(await h.app.get(url, { token: member.token }), 400, 'VALIDATION_FAILED');
      }
      await expectStillServing();
    });
  });

  describe('times', () => {
    it.each([
      ['a space for the T', '2030-01-07 10:00:00Z'],
      ['no offset (a local time: whose?)', '2030-01-07T10:00:00'],
      ['a date without a time', '2030-01-07'],
      ['a day that does not exist', '2030-02-30T10:00:00Z'],
      ['hour 24', '2030-01-07T24:00:00Z'],
      ['the ISO basic format', '20300107T100000Z'],
      ['an ISO week date', '2030-W02-1T10:00:00Z'],
      ['a US date', '01/07/2030 10:00'],
      ['a Unix timestamp as a string', '1893924000'],
      ['English', 'next Monday at ten'],
    ])('refuses a startTime with %s with 400 VALIDATION_FAILED naming startTime', async (_what, startTime) => {
      const res = await create({ body: { ...valid(), startTime } });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(['startTime']);
      await expectStillServing();
    });

    it.each([
      ['seconds', ':30.000Z'],
      ['milliseconds', ':00.001Z'],
    ])('refuses times with %s (not on a whole minute) with 400 INVALID_TIME_RANGE', async (_what, tail) => {
      const { startTime, endTime } = slot(24);
      const res = await create({ body: { workspaceId, startTime: startTime.replace(':00.000Z', tail), endTime } });
      expectProblem(res, 400, 'INVALID_TIME_RANGE');
      const moved = await h.app.patch(`/bookings/${bookingId}`, {
        token: member.token,
        body: { endTime: endTime.replace(':00.000Z', tail) },
      });
      expectProblem(moved, 400, 'INVALID_TIME_RANGE');
      await expectStillServing();
    });

    it('accepts any offset notation for the same instant', async () => {
      const ws = h.workspace();
      const res = await h.book(member.token, {
        workspaceId: ws.id,
        startTime: '2030-01-07T10:00+01:00',
        endTime: '2030-01-07T04:30:00.000-05:00',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ startTime: '2030-01-07T09:00:00.000Z', endTime: '2030-01-07T09:30:00.000Z' });
      // not part of the other tests' count
      await h.prisma.outboxEvent.deleteMany({ where: { aggregateId: res.body.id } });
      await h.prisma.booking.delete({ where: { id: res.body.id } });
    });
  });

  describe('oversized bodies', () => {
    const twoMegabytes = () => JSON.stringify({ ...valid(), note: 'x'.repeat(2 * 1024 * 1024) });

    it.each<[string, string, string, string | undefined]>([
      ['POST /bookings', 'POST', '/bookings', 'member'],
      ['PATCH /bookings/:id', 'PATCH', '/bookings/:id', 'member'],
      ['POST /bookings without a token', 'POST', '/bookings', undefined],
    ])('answers a 2 MB body on %s with 413 PAYLOAD_TOO_LARGE', async (_what, method, url, as) => {
      const res = await h.app.request(method, url.replace(':id', bookingId), {
        token: as ? member.token : undefined,
        rawBody: twoMegabytes(),
        headers: { 'idempotency-key': randomUUID() },
      });
      expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
      await expectStillServing();
    });
  });

  describe('invalid UUIDs in the path', () => {
    it.each<[string, string, 'member' | 'admin']>([
      ['GET', '/bookings/not-a-uuid', 'member'],
      ['GET', '/bookings/1%27%20OR%20%271%27%3D%271', 'member'],
      ['POST', '/bookings/123/confirm', 'member'],
      ['POST', '/bookings/%00/cancel', 'member'],
      ['PATCH', '/bookings/..%2F..%2Fetc', 'member'],
      ['DELETE', '/bookings/nope', 'admin'],
    ])('answers %s %s with 400', async (method, url, as) => {
      const res = await h.app.request(method, url, {
        token: as === 'admin' ? admin.token : member.token,
        body: method === 'PATCH' ? slot(30) : undefined,
      });
      expectProblem(res, 400);
      expect(res.body.detail).toMatch(/uuid/i);
      await expectStillServing();
    });
  });

  describe('Idempotency-Key', () => {
    it.each([
      ['a non-ASCII key', 'schlüssel'],
      ['a key of 256 characters', 'k'.repeat(256)],
      ['a key with a tab', 'a\tb'],
    ])('answers %s with 400 IDEMPOTENCY_KEY_REQUIRED', async (_what, key) => {
      const res = await h.app.post('/bookings', {
        token: member.token,
        body: valid(),
        headers: { 'idempotency-key': key },
      });
      expectProblem(res, 400, 'IDEMPOTENCY_KEY_REQUIRED');
      await expectStillServing();
    });
  });
});
