import { randomUUID } from 'node:crypto';
import { days, expectProblem, iso, ReportingServiceHarness } from '../support/harness.js';

type As = 'anonymous' | 'member' | 'admin' | 'service';
type Call = (token: string | undefined) => Promise<{ status: number; text: string } & object>;

/** Who may call what: every endpoint against every kind of caller. */
export function authorizationSuite(h: ReportingServiceHarness): void {
  describe('authorization matrix', () => {
    const tokens = {} as Record<As, string | undefined>;
    let readyReportId: string;
    let range: { from: string; to: string };

    beforeAll(async () => {
      tokens.member = (await h.member()).token;
      tokens.admin = (await h.admin()).token;
      tokens.service = await h.serviceToken();
      const base = h.window();
      range = { from: iso(base), to: iso(days(base, 1)) };
      const res = await h.app.post('/reports', {
        token: tokens.admin,
        body: { type: 'summary', format: 'csv', ...range },
      });
      readyReportId = res.body.id;
      await h.generator.runPass();
    });

    /** A report of its own for each DELETE, so that the admin's call finds one. */
    const freshReport = async () =>
      (await h.app.post('/reports', { token: tokens.admin, body: { type: 'summary', format: 'json', ...range } })).body
        .id;

    const endpoints: Record<string, Call> = {
      'POST /internal/events': (token) => {
        const ws = h.workspace();
        return h.app.post('/internal/events', {
          token,
          body: h.event('booking.created', h.booking(ws, new Date(range.from))),
        });
      },
      'POST /internal/events/batch': (token) => {
        const ws = h.workspace();
        return h.app.post('/internal/events/batch', {
          token,
          body: { events: [h.event('booking.created', h.booking(ws, new Date(range.from)))] },
        });
      },
      'GET /reports/summary': (token) => h.app.get('/reports/summary', { token, query: range }),
      'GET /reports/occupancy': (token) =>
        h.app.get('/reports/occupancy', { token, query: { ...range, workspaceId: randomUUID() } }),
      'GET /reports/occupancy.svg': (token) =>
        h.app.get('/reports/occupancy.svg', { token, query: { ...range, workspaceId: randomUUID() } }),
      'GET /reports/revenue': (token) => h.app.get('/reports/revenue', { token, query: range }),
      'POST /reports': (token) => h.app.post('/reports', { token, body: { type: 'summary', format: 'csv', ...range } }),
      'GET /reports': (token) => h.app.get('/reports', { token }),
      'GET /reports/:id': (token) => h.app.get(`/reports/${readyReportId}`, { token }),
      'GET /reports/:id/download': (token) => h.app.get(`/reports/${readyReportId}/download`, { token }),
      'DELETE /reports/:id': async (token) => h.app.delete(`/reports/${await freshReport()}`, { token }),
    };

    const adminOnly = (ok: number) => ({ anonymous: 401, member: 403, admin: ok, service: 403 });
    const expected: Record<string, Record<As, number>> = {
      'POST /internal/events': { anonymous: 401, member: 403, admin: 403, service: 200 },
      'POST /internal/events/batch': { anonymous: 401, member: 403, admin: 403, service: 200 },
      'GET /reports/summary': adminOnly(200),
      'GET /reports/occupancy': adminOnly(200),
      'GET /reports/occupancy.svg': adminOnly(200),
      'GET /reports/revenue': adminOnly(200),
      'POST /reports': adminOnly(202),
      'GET /reports': adminOnly(200),
      'GET /reports/:id': adminOnly(200),
      'GET /reports/:id/download': adminOnly(200),
      'DELETE /reports/:id': adminOnly(204),
    };

    const cases = Object.entries(expected).flatMap(([endpoint, byCaller]) =>
      (Object.entries(byCaller) as [As, number][]).map(([as, status]) => ({ endpoint, as, status })),
    );

    it.each(cases)('$endpoint as $as answers $status', async ({ endpoint, as, status }) => {
      const res = await endpoints[endpoint]!(tokens[as]);
      if (status >= 400) expectProblem(res as never, status, { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN' }[status]);
      else if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.text}`);
    });

    it('refuses forged, expired and foreign tokens with 401', async () => {
      for (const [what, token] of Object.entries(await h.tokens.forgeries(randomUUID()))) {
        const res = await h.app.get('/reports/summary', { token, query: range });
        if (res.status !== 401) throw new Error(`${what}: ${res.status}`);
      }
    });
  });
}
