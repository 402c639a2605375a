import { Actor, AdminServiceHarness, expectProblem, violatedFields } from '../support/harness.js';

/** GET /admin/dashboard: three parts in parallel, whatever fails is null and named. */
export function dashboardSuite(h: AdminServiceHarness): void {
  describe('dashboard', () => {
    let admin: Actor;
    const period = { from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' };

    beforeAll(async () => {
      admin = await h.admin();
    });
    afterEach(() => h.downstreams.reset());

    const dashboard = (query: Record<string, string> = period) =>
      h.app.get('/admin/dashboard', { token: admin.token, query });

    it("answers users, summary and occupancy, reading reports with the admin's own token", async () => {
      const res = await dashboard();
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-12-01T00:00:00.000Z',
        users: h.downstreams.directory.stats(),
        summary: {
          from: '2026-11-01T00:00:00.000Z',
          to: '2026-12-01T00:00:00.000Z',
          bookings: { confirmed: 7, cancelled: 1 },
          revenueCents: 35_000,
        },
        occupancy: expect.objectContaining({ workspaces: [expect.objectContaining({ occupancy: 0.42 })] }),
        missing: [],
      });
      const reports = h.downstreams.reportingService.requests.slice(-2);
      expect(reports.map((r) => r.path).sort()).toEqual(['/reports/occupancy', '/reports/summary']);
      for (const r of reports) expect(r.authorization).toBe(`Bearer ${admin.token}`);
      const stats = h.downstreams.userService.seen('/internal/users/stats').at(-1)!;
      expect(stats.authorization).not.toBe(`Bearer ${admin.token}`);
    });

    it('normalises the period to UTC', async () => {
      const res = await dashboard({ from: '2026-11-01T01:00:00+01:00', to: '2026-11-02T00:00:00.5-02:00' });
      expect(res.body).toMatchObject({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-02T02:00:00.500Z' });
    });

    it('answers 200 without the reports when reporting-service is down, naming both', async () => {
      await h.downstreams.reportingService.stop();
      const res = await dashboard();
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        users: h.downstreams.directory.stats(),
        summary: null,
        occupancy: null,
        missing: ['reporting-service: occupancy', 'reporting-service: summary'],
      });
    });

    it('answers 200 with what it got when one report fails with a 5xx', async () => {
      h.downstreams.reportingService.failingPaths.add('/reports/occupancy');
      const res = await dashboard();
      expect(res.status).toBe(200);
      expect(res.body.summary).toMatchObject({ revenueCents: 35_000 });
      expect(res.body.occupancy).toBeNull();
      expect(res.body.missing).toEqual(['reporting-service: occupancy']);
    });

    it('answers 200 without the user statistics when user-service does not answer in time', async () => {
      h.downstreams.userService.mode = 'slow';
      h.downstreams.userService.delayMs = 1000;
      const res = await dashboard();
      expect(res.status).toBe(200);
      expect(res.body.users).toBeNull();
      expect(res.body.summary).not.toBeNull();
      expect(res.body.missing).toEqual(['user-service: stats']);
    });

    it.each<[string, Record<string, string>, string[]]>([
      ['from after to', { from: '2026-12-01T00:00:00Z', to: '2026-11-01T00:00:00Z' }, ['to']],
      ['an empty period', { from: '2026-11-01T00:00:00Z', to: '2026-11-01T00:00:00Z' }, ['to']],
      ['more than 366 days', { from: '2025-01-01T00:00:00Z', to: '2026-01-02T00:00:01Z' }, ['to']],
      ['no from', { to: '2026-11-01T00:00:00Z' }, ['from']],
      ['a time without an offset', { from: '2026-11-01T00:00:00', to: '2026-12-01T00:00:00Z' }, ['from']],
      ['a date only', { from: '2026-11-01', to: '2026-12-01T00:00:00Z' }, ['from']],
      ['not a date', { from: 'yesterday', to: 'today' }, ['from', 'to']],
    ])('answers %s with 400 naming the field, asking nobody', async (_what, query, fields) => {
      const before = h.downstreams.reportingService.requests.length;
      const res = await dashboard(query);
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(violatedFields(res)).toEqual(fields);
      expect(h.downstreams.reportingService.requests.length).toBe(before);
    });

    it('takes a period of exactly 366 days', async () => {
      const res = await dashboard({ from: '2024-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' });
      expect(res.status).toBe(200);
    });
  });
}
