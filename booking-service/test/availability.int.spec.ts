import { randomUUID } from 'node:crypto';
import {
  BookingHarness,
  DST_YEAR,
  everyDay,
  expectProblem,
  fieldsOf,
  lastSunday,
  range,
} from './support/booking-app.js';

/** A Monday in January of next year (Berlin: UTC+1). */
const MONDAY = (() => {
  const d = new Date(Date.UTC(DST_YEAR, 0, 4));
  d.setUTCDate(d.getUTCDate() + ((8 - d.getUTCDay()) % 7));
  return d.toISOString().slice(0, 10);
})();
const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const iso = (s: string) => new Date(s).toISOString();
const interval = (start: string, end: string) => ({ startTime: iso(start), endTime: iso(end) });

/**
 * GET /availability?workspaceId&from&to: the workspace's opening hours, placed in its time zone,
 * minus its active bookings, within the window. Public, like the catalogue.
 */
describe('GET /availability (integration)', () => {
  let h: BookingHarness;
  let member: { token: string };
  let other: { token: string };

  beforeAll(async () => {
    h = await BookingHarness.start();
    member = await h.member();
    other = await h.member();
  });
  afterAll(async () => {
    await h?.close();
  });

  const availability = (workspaceId: string, from: string, to: string) =>
    h.app.get('/availability', { query: { workspaceId, from, to } });
  const berlin = () => h.workspace({ timezone: 'Europe/Berlin', openingHours: everyDay('09:00', '17:00') });

  it('answers the opening hours in the workspace time zone when nothing is booked', async () => {
    const ws = berlin();
    const res = await availability(ws.id, `${MONDAY}T00:00:00Z`, `${nextDay(MONDAY)}T00:00:00Z`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      workspaceId: ws.id,
      timezone: 'Europe/Berlin',
      from: iso(`${MONDAY}T00:00:00Z`),
      to: iso(`${nextDay(MONDAY)}T00:00:00Z`),
      free: [interval(`${MONDAY}T08:00:00Z`, `${MONDAY}T16:00:00Z`)],
    });
  });

  it('takes out active bookings (back-to-back ones leave no gap); cancelled ones do not count', async () => {
    const ws = berlin();
    await h.booked(member.token, { workspaceId: ws.id, ...range(`${MONDAY}T10:00:00Z`, 60) });
    await h.booked(other.token, { workspaceId: ws.id, ...range(`${MONDAY}T11:00:00Z`, 60) });
    const confirmed = await h.booked(member.token, { workspaceId: ws.id, ...range(`${MONDAY}T14:30:00Z`, 30) });
    await h.app.post(`/bookings/${confirmed.id}/confirm`, { token: member.token });
    const cancelled = await h.booked(other.token, { workspaceId: ws.id, ...range(`${MONDAY}T13:00:00Z`, 60) });
    await h.app.post(`/bookings/${cancelled.id}/cancel`, { token: other.token });
    // a booking of another workspace at the same time is not this one's business
    await h.booked(member.token, { workspaceId: h.workspace().id, ...range(`${MONDAY}T08:00:00Z`, 60) });

    const res = await availability(ws.id, `${MONDAY}T00:00:00Z`, `${nextDay(MONDAY)}T00:00:00Z`);
    expect(res.body.free).toEqual([
      interval(`${MONDAY}T08:00:00Z`, `${MONDAY}T10:00:00Z`),
      interval(`${MONDAY}T12:00:00Z`, `${MONDAY}T14:30:00Z`),
      interval(`${MONDAY}T15:00:00Z`, `${MONDAY}T16:00:00Z`),
    ]);
  });

  it('shows a freed slot again once its booking is cancelled', async () => {
    const ws = berlin();
    const booking = await h.booked(member.token, { workspaceId: ws.id, ...range(`${MONDAY}T08:00:00Z`, 480) });
    const window = [`${MONDAY}T00:00:00Z`, `${nextDay(MONDAY)}T00:00:00Z`] as const;
    expect((await availability(ws.id, ...window)).body.free).toEqual([]);
    await h.app.post(`/bookings/${booking.id}/cancel`, { token: member.token });
    expect((await availability(ws.id, ...window)).body.free).toEqual([
      interval(`${MONDAY}T08:00:00Z`, `${MONDAY}T16:00:00Z`),
    ]);
  });

  it('clips to the window and spans several days', async () => {
    const ws = berlin();
    const tuesday = nextDay(MONDAY);
    const res = await availability(ws.id, `${MONDAY}T12:30:00Z`, `${tuesday}T09:15:00Z`);
    expect(res.body.free).toEqual([
      interval(`${MONDAY}T12:30:00Z`, `${MONDAY}T16:00:00Z`),
      interval(`${tuesday}T08:00:00Z`, `${tuesday}T09:15:00Z`),
    ]);
  });

  it('keeps local opening hours across the spring and autumn clock changes', async () => {
    const ws = berlin();
    const spring = lastSunday(DST_YEAR, 3);
    const springSaturday = new Date(Date.parse(`${spring}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    expect(
      (await availability(ws.id, `${springSaturday}T00:00:00Z`, `${nextDay(spring)}T00:00:00Z`)).body.free,
    ).toEqual([
      interval(`${springSaturday}T08:00:00Z`, `${springSaturday}T16:00:00Z`),
      interval(`${spring}T07:00:00Z`, `${spring}T15:00:00Z`),
    ]);
    const autumn = lastSunday(DST_YEAR, 10);
    const autumnSaturday = new Date(Date.parse(`${autumn}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    expect(
      (await availability(ws.id, `${autumnSaturday}T00:00:00Z`, `${nextDay(autumn)}T00:00:00Z`)).body.free,
    ).toEqual([
      interval(`${autumnSaturday}T07:00:00Z`, `${autumnSaturday}T15:00:00Z`),
      interval(`${autumn}T08:00:00Z`, `${autumn}T16:00:00Z`),
    ]);
  });

  it('treats no opening hours as always open: the whole window minus bookings', async () => {
    const ws = h.workspace({ openingHours: null });
    await h.booked(member.token, { workspaceId: ws.id, ...range(`${MONDAY}T06:00:00Z`, 120) });
    const res = await availability(ws.id, `${MONDAY}T00:00:00Z`, `${MONDAY}T12:00:00Z`);
    expect(res.body.free).toEqual([
      interval(`${MONDAY}T00:00:00Z`, `${MONDAY}T06:00:00Z`),
      interval(`${MONDAY}T08:00:00Z`, `${MONDAY}T12:00:00Z`),
    ]);
  });

  it('gives an inactive workspace no free intervals', async () => {
    const ws = h.workspace({ active: false, openingHours: null });
    const res = await availability(ws.id, `${MONDAY}T00:00:00Z`, `${nextDay(MONDAY)}T00:00:00Z`);
    expect(res.status).toBe(200);
    expect(res.body.free).toEqual([]);
  });

  it('answers an unknown workspace with 404 WORKSPACE_NOT_FOUND', async () => {
    expectProblem(
      await availability(randomUUID(), `${MONDAY}T00:00:00Z`, `${nextDay(MONDAY)}T00:00:00Z`),
      404,
      'WORKSPACE_NOT_FOUND',
    );
  });

  it('accepts a window of exactly 31 days', async () => {
    const from = Date.parse(`${MONDAY}T00:00:00Z`);
    const res = await availability(
      berlin().id,
      iso(`${MONDAY}T00:00:00Z`),
      new Date(from + 31 * 86_400_000).toISOString(),
    );
    expect(res.status).toBe(200);
    expect(res.body.free).toHaveLength(31);
  });

  it.each([
    ['longer than 31 days', `${MONDAY}T00:00:00Z`, (from: number) => from + 31 * 86_400_000 + 60_000],
    ['with to equal to from', `${MONDAY}T00:00:00Z`, (from: number) => from],
    ['with to before from', `${MONDAY}T00:00:00Z`, (from: number) => from - 3_600_000],
  ])('refuses a window %s with 400 naming `to`', async (_what, fromIso, toOf) => {
    const to = new Date(toOf(Date.parse(fromIso))).toISOString();
    const res = await availability(berlin().id, fromIso, to);
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(res)).toEqual(['to']);
  });

  it('refuses missing or malformed parameters with 400 naming each', async () => {
    const missing = await h.app.get('/availability');
    expectProblem(missing, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(missing)).toEqual(['from', 'to', 'workspaceId']);
    const malformed = await h.app.get('/availability', {
      query: { workspaceId: 'room-1', from: 'monday', to: `${MONDAY}T25:00:00Z` },
    });
    expectProblem(malformed, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(malformed)).toEqual(['from', 'to', 'workspaceId']);
  });
});
