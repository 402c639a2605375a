import { randomUUID } from 'node:crypto';
import { expectProblem, ReportingServiceHarness, violatedFields } from '../support/harness.js';

const FROM = '2031-01-06T00:00:00Z';
const TO = '2031-01-07T00:00:00Z';
const LIVE = ['/reports/summary', '/reports/occupancy', '/reports/occupancy.svg', '/reports/revenue'];

/** Hostile and broken input: always a 4xx problem naming what is wrong, never a 500. */
export function badInputSuite(h: ReportingServiceHarness): void {
  describe('bad input', () => {
    let token: string;
    beforeAll(async () => {
      token = await h.adminToken();
    });

    const live = (path: string, query: Record<string, string>) => h.app.get(path, { token, query });
    const createReport = (body: unknown) => h.app.post('/reports', { token, body });
    const countReports = () => h.count('reports');

    it.each(LIVE)('%s: refuses a missing, offset-less or unparsable from/to, naming it', async (path) => {
      const checks: [Record<string, string>, string][] = [
        [{ to: TO }, 'from'],
        [{ from: FROM }, 'to'],
        [{ from: '2031-01-06T00:00:00', to: TO }, 'from'],
        [{ from: '2031-01-06', to: TO }, 'from'],
        [{ from: FROM, to: 'tomorrow' }, 'to'],
        [{ from: '2031-02-30T00:00:00Z', to: TO }, 'from'],
      ];
      for (const [query, field] of checks) {
        const res = await live(path, query);
        expectProblem(res, 400, 'VALIDATION_FAILED');
        expect(violatedFields(res)).toContain(field);
      }
    });

    it.each(LIVE)('%s: refuses from at or after to, naming to', async (path) => {
      for (const query of [
        { from: TO, to: FROM },
        { from: FROM, to: FROM },
        { from: '2031-01-06T01:00:00+01:00', to: FROM }, // the same instant spelled differently
      ]) {
        const res = await live(path, query);
        expectProblem(res, 400, 'VALIDATION_FAILED');
        expect(violatedFields(res)).toEqual(['to']);
      }
    });

    it.each(LIVE)(
      '%s: refuses a range over REPORT_MAX_RANGE_DAYS (366) with 400 REPORT_RANGE_TOO_LONG naming it',
      async (path) => {
        const res = await live(path, { from: FROM, to: '2032-01-08T00:00:00Z' }); // 367 days
        expectProblem(res, 400, 'REPORT_RANGE_TOO_LONG');
        expect(res.body).toMatchObject({ maxRangeDays: 366 });
        expect(res.body.detail).toContain('REPORT_MAX_RANGE_DAYS');
        // exactly 366 days is allowed (occupancy: of a workspace with no data, to keep it quick)
        const within = {
          from: FROM,
          to: '2032-01-07T00:00:00Z',
          ...(path.includes('occupancy') ? { workspaceId: randomUUID() } : {}),
        };
        expect((await live(path, within)).status).toBe(200);
      },
    );

    it.each([
      ['/reports/occupancy', { workspaceId: 'room-1' }, 'workspaceId'],
      ['/reports/occupancy.svg', { workspaceId: '42' }, 'workspaceId'],
      ['/reports/revenue', { groupBy: 'year' }, 'groupBy'],
      ['/reports/summary', { currency: 'EUR' }, 'currency'],
    ])('%s: refuses %j, naming it', async (path, extra, field) => {
      const res = await live(path, { from: FROM, to: TO, ...extra });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(violatedFields(res)).toContain(field);
    });

    const valid = { type: 'bookings', format: 'csv', from: FROM, to: TO };
    it.each<[string, Record<string, unknown>, string]>([
      ['an unknown type', { type: 'invoices' }, 'type'],
      ['no type', { type: undefined }, 'type'],
      ['an unknown format', { format: 'xlsx' }, 'format'],
      ['from after to', { from: TO, to: FROM }, 'to'],
      ['a from without offset', { from: '2031-01-06T00:00:00' }, 'from'],
      ['groupBy on a bookings report', { groupBy: 'day' }, 'groupBy'],
      ['an unknown groupBy', { type: 'revenue', groupBy: 'year' }, 'groupBy'],
      [
        'workspaceId on a revenue report',
        { type: 'revenue', workspaceId: '5d0e9a52-6f0e-4a8e-9a55-2f1c3c0d9e11' },
        'workspaceId',
      ],
      ['a workspaceId that is not a UUID', { workspaceId: 'hall-1' }, 'workspaceId'],
      ['an unknown field', { status: 'READY' }, 'status'],
    ])('POST /reports refuses %s with 400 naming it, creating nothing', async (_what, change, field) => {
      const before = await countReports();
      const res = await createReport({ ...valid, ...change });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(violatedFields(res)).toContain(field);
      expect(await countReports()).toBe(before);
    });

    it('POST /reports refuses a range over REPORT_MAX_STORED_RANGE_DAYS (3660) and takes one within it', async () => {
      const before = await countReports();
      const tooLong = await createReport({ ...valid, from: '2031-01-01T00:00:00Z', to: '2041-01-09T00:00:00Z' });
      expectProblem(tooLong, 400, 'REPORT_RANGE_TOO_LONG');
      expect(tooLong.body).toMatchObject({ maxRangeDays: 3660 });
      expect(await countReports()).toBe(before);
      // longer than a live report may be, within the stored limit
      expect((await createReport({ ...valid, from: '2031-01-01T00:00:00Z', to: '2033-01-01T00:00:00Z' })).status).toBe(
        202,
      );
    });

    it.each([
      ['truncated JSON', '{"type":'],
      ['not JSON', 'type=summary'],
      ['a JSON array', '[]'],
      ['an empty body', ''],
    ])('POST /reports answers %s with 400', async (_what, rawBody) => {
      expectProblem(await h.app.post('/reports', { token, rawBody }), 400);
    });

    it('refuses bad ids, filters and cursors with 400 naming them', async () => {
      const checks = [
        [await h.app.get('/reports/not-a-uuid', { token }), 'id'],
        [await h.app.get('/reports/123/download', { token }), 'id'],
        [await h.app.delete('/reports/xyz', { token }), 'id'],
        [await h.app.get('/reports', { token, query: { status: 'DONE' } }), 'status'],
        [await h.app.get('/reports', { token, query: { type: 'invoices' } }), 'type'],
        [await h.app.get('/reports', { token, query: { limit: '0' } }), 'limit'],
        [await h.app.get('/reports', { token, query: { limit: '101' } }), 'limit'],
        [await h.app.get('/reports', { token, query: { cursor: 'garbage' } }), 'cursor'],
      ] as const;
      for (const [res, field] of checks) {
        expectProblem(res, 400, 'VALIDATION_FAILED');
        expect(violatedFields(res)).toContain(field);
      }
    });

    it('answers an unknown report id with 404 REPORT_NOT_FOUND', async () => {
      const id = '5d0e9a52-6f0e-4a8e-9a55-2f1c3c0d9e11';
      expectProblem(await h.app.get(`/reports/${id}`, { token }), 404, 'REPORT_NOT_FOUND');
      expectProblem(await h.app.get(`/reports/${id}/download`, { token }), 404, 'REPORT_NOT_FOUND');
      expectProblem(await h.app.delete(`/reports/${id}`, { token }), 404, 'REPORT_NOT_FOUND');
    });

    it('answers malformed event bodies with 400, never 500', async () => {
      const service = await h.serviceToken();
      for (const rawBody of ['{"id":', '[]', '"event"', 'null', '']) {
        expectProblem(await h.app.post('/internal/events', { token: service, rawBody }), 400);
      }
    });
  });
}
