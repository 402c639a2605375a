import { BookingHarness, expectProblem, slot } from './support/booking-app.js';
import type { StubService } from './support/downstreams.js';

const TIMEOUT_MS = 300;
const THRESHOLD = 3;
const HALF_OPEN_MS = 1500;
/** one try and two retries per safe call (INTERSERVICE_COMMUNICATION.md) */
const ATTEMPTS = 3;
/** a fast failure: no timeout waited, no backoff slept (the request count proves no call was made) */
const FAST_MS = 200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * user-service or workspace-service down, slow or stopped: create answers 503
 * DEPENDENCY_UNAVAILABLE with Retry-After and writes nothing; after THRESHOLD consecutive
 * failed calls the circuit opens and requests fail fast without calling the downstream; once
 * the downstream is back and HALF_OPEN_MS has passed, one trial call closes it again.
 *
 * The steps of each downstream build on each other (the circuit's state carries over), so they
 * run in order; each leaves the downstream answering and its circuit closed, except where said.
 */
describe('downstream failures (integration)', () => {
  let h: BookingHarness;
  let member: { token: string };

  beforeAll(async () => {
    h = await BookingHarness.start({
      DOWNSTREAM_TIMEOUT_MS: String(TIMEOUT_MS),
      CIRCUIT_BREAKER_THRESHOLD: String(THRESHOLD),
      CIRCUIT_BREAKER_HALF_OPEN_MS: String(HALF_OPEN_MS),
    });
    member = await h.member();
  });
  afterAll(async () => {
    await h?.close();
  });

  const nothingWritten = async (workspaceId: string) => {
    expect(await h.prisma.booking.count({ where: { workspaceId } })).toBe(0);
    expect(
      await h.prisma.outboxEvent.count({
        where: { payload: { path: ['booking', 'workspaceId'], equals: workspaceId } },
      }),
    ).toBe(0);
  };
  const expectUnavailable = (res: Awaited<ReturnType<BookingHarness['book']>>, dependency: string) => {
    expectProblem(res, 503, 'DEPENDENCY_UNAVAILABLE');
    expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(res.body).toMatchObject({ dependency, retryAfterSeconds: Number(res.headers['retry-after']) });
  };
  const timed = async <T>(run: () => Promise<T>): Promise<{ res: T; ms: number }> => {
    const started = Date.now();
    const res = await run();
    return { res, ms: Date.now() - started };
  };

  describe.each([
    ['user-service', (h: BookingHarness) => h.downstreams.userService],
    ['workspace-service', (h: BookingHarness) => h.downstreams.workspaceService],
  ])('%s', (name, stubOf) => {
    let stub: StubService;
    /** when the circuit last opened */
    let openedAt = 0;

    beforeAll(() => {
      stub = stubOf(h);
    });
    afterAll(() => stub.reset());

    /** Brings the downstream back, waits out the open circuit and checks a booking gets through. */
    const recover = async () => {
      stub.reset();
      await sleep(openedAt + HALF_OPEN_MS + 100 - Date.now());
      const ws = h.workspace();
      const res = await h.book(member.token, { workspaceId: ws.id, ...slot(24) });
      expect(res.status).toBe(201);
      return res.body;
    };

    it('failing (HTTP 500): 503 with Retry-After after retrying, and no booking or event written', async () => {
      stub.mode = 'error';
      const before = stub.requests;
      const ws = h.workspace();
      const res = await h.book(member.token, { workspaceId: ws.id, ...slot(24) });
      openedAt = Date.now();
      expectUnavailable(res, name);
      expect(stub.requests - before).toBe(ATTEMPTS);
      await nothingWritten(ws.id);
    });

    it(`has opened its circuit (${THRESHOLD} failed calls): the next request fails fast without calling it`, async () => {
      const before = stub.requests;
      const ws = h.workspace();
      const { res, ms } = await timed(() => h.book(member.token, { workspaceId: ws.id, ...slot(24) }));
      expectUnavailable(res, name);
      expect(res.headers['retry-after']).toBe(String(Math.ceil(HALF_OPEN_MS / 1000)));
      expect(res.body.detail).toMatch(/circuit open/);
      expect(stub.requests).toBe(before);
      expect(ms).toBeLessThan(FAST_MS);
      await nothingWritten(ws.id);
    });

    it('stays open when the half-open trial call fails too (one call, then fast failures again)', async () => {
      await sleep(openedAt + HALF_OPEN_MS + 100 - Date.now());
      const before = stub.requests;
      expectUnavailable(await h.book(member.token, { workspaceId: h.workspace().id, ...slot(24) }), name);
      openedAt = Date.now();
      expect(stub.requests - before).toBe(1);
      expectUnavailable(await h.book(member.token, { workspaceId: h.workspace().id, ...slot(24) }), name);
      expect(stub.requests - before).toBe(1);
    });

    it('keeps failing fast right after the downstream is back, then closes after the half-open time', async () => {
      stub.reset();
      const before = stub.requests;
      expectUnavailable(await h.book(member.token, { workspaceId: h.workspace().id, ...slot(24) }), name);
      expect(stub.requests).toBe(before);
      await recover();
      // closed: the next one goes through as well
      expect((await h.book(member.token, { workspaceId: h.workspace().id, ...slot(26) })).status).toBe(201);
    });

    it('refuses a reschedule with 503 while it is down and leaves the booking as it was', async () => {
      const ws = h.workspace();
      const booking = await h.booked(member.token, { workspaceId: ws.id, ...slot(30) });
      stub.mode = 'error';
      const res = await h.app.patch(`/bookings/${booking.id}`, { token: member.token, body: slot(32) });
      openedAt = Date.now();
      expectUnavailable(res, name);
      expect((await h.app.get(`/bookings/${booking.id}`, { token: member.token })).body).toEqual(booking);
      // booking.created and booking.confirmed only
      expect(await h.prisma.outboxEvent.count({ where: { aggregateId: booking.id } })).toBe(2);
      // what needs no downstream keeps working: reads and cancel
      expect((await h.app.get('/bookings', { token: member.token })).status).toBe(200);
      expect((await h.app.post(`/bookings/${booking.id}/cancel`, { token: member.token })).status).toBe(200);
      await recover();
    });

    it(`slow (answers after 1 s): 503 once each of the ${ATTEMPTS} attempts timed out, well under 3 s, nothing written`, async () => {
      stub.mode = 'slow';
      stub.delayMs = 1000;
      const before = stub.requests;
      const ws = h.workspace();
      const { res, ms } = await timed(() => h.book(member.token, { workspaceId: ws.id, ...slot(24) }));
      openedAt = Date.now();
      expectUnavailable(res, name);
      expect(res.body.detail).toMatch(new RegExp(`within ${TIMEOUT_MS} ms`));
      expect(stub.requests - before).toBe(ATTEMPTS);
      expect(ms).toBeGreaterThanOrEqual(ATTEMPTS * TIMEOUT_MS - 50);
      expect(ms).toBeLessThan(3000);
      await nothingWritten(ws.id);
      // the timeouts opened the circuit: fast now
      const fast = await timed(() => h.book(member.token, { workspaceId: ws.id, ...slot(24) }));
      expectUnavailable(fast.res, name);
      expect(fast.ms).toBeLessThan(FAST_MS);
      await recover();
    });

    it('stopped (connection refused): 503, nothing written; started again, bookings resume', async () => {
      await stub.close();
      const ws = h.workspace();
      const res = await h.book(member.token, { workspaceId: ws.id, ...slot(24) });
      openedAt = Date.now();
      expectUnavailable(res, name);
      await nothingWritten(ws.id);
      await stub.start();
      await recover();
    });
  });

  it('answers GET /availability with 503 while workspace-service is down (it is the only call it makes)', async () => {
    const ws = h.workspace();
    const { startTime, endTime } = slot(24, 24);
    h.downstreams.workspaceService.mode = 'error';
    try {
      const res = await h.app.get('/availability', { query: { workspaceId: ws.id, from: startTime, to: endTime } });
      expectUnavailable(res, 'workspace-service');
    } finally {
      h.downstreams.workspaceService.reset();
    }
  });
});
