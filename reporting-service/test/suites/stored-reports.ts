import type { TestResponse } from '@cowork/service-kit/testing';
import { jest } from '@jest/globals';
import { ReportingServiceConfig } from '../../src/config.js';
import { AnalyticsService } from '../../src/reports/analytics.service.js';
import { CHUNK_BYTES, MAX_ATTEMPTS, ReportGenerator } from '../../src/reports/report-generator.js';
import { StoredReportsService } from '../../src/reports/stored-reports.service.js';
import { LeaseLostError, StoredReportsRepository } from '../../src/reports/stored-reports.repository.js';
import { parseCsv } from '../support/csv.js';
import { days, expectProblem, hours, iso, ReportingServiceHarness, uniqueKey } from '../support/harness.js';

const BOOKINGS_HEADER = [
  'booking_id',
  'user_id',
  'workspace_id',
  'workspace_name',
  'status',
  'start_time',
  'end_time',
  'attendees',
  'price_cents',
  'currency',
  'paid_cents',
  'created_at',
  'confirmed_at',
  'cancelled_at',
  'deleted_at',
];

/** POST /reports, the background generator, download, delete, and Idempotency-Key. */
export function storedReportsSuite(h: ReportingServiceHarness): void {
  describe('stored reports', () => {
    let token: string;
    const repository = () => h.app.app.get(StoredReportsRepository);

    beforeAll(async () => {
      token = await h.adminToken();
    });

    const create = (body: unknown, headers: Record<string, string> = {}, as = token) =>
      h.app.post('/reports', { token: as, body, headers });
    const get = (id: string) => h.app.get(`/reports/${id}`, { token });
    const download = (id: string) => h.app.get(`/reports/${id}/download`, { token });
    /** Creates a report (202) and returns it. */
    const requested = async (body: Record<string, unknown>) => {
      const res = await create(body);
      if (res.status !== 202) throw new Error(`POST /reports answered ${res.status}: ${res.text}`);
      return res.body as { id: string; status: string };
    };
    /** Creates, generates (one pass) and returns the READY report. */
    const generated = async (body: Record<string, unknown>) => {
      const report = await requested(body);
      await h.generator.runPass();
      const res = await get(report.id);
      if (res.body.status !== 'READY') throw new Error(`report is ${res.body.status}: ${res.body.error}`);
      return res.body;
    };
    const status = async (id: string) =>
      (await h.sql<{ status: string }>('SELECT status FROM reports WHERE id = $1', [id]))[0]?.status;

    it('goes PENDING -> READY through a generator pass; its download is 409 REPORT_NOT_READY until then', async () => {
      const admin = await h.admin();
      const base = h.window();
      const res = await create(
        { type: 'summary', format: 'json', from: iso(base), to: iso(days(base, 7)) },
        {},
        admin.token,
      );
      expect(res.status).toBe(202);
      expect(res.headers.location).toBe(`/reports/${res.body.id}`);
      expect(res.body).toEqual({
        id: expect.any(String),
        type: 'summary',
        format: 'json',
        status: 'PENDING',
        from: iso(base),
        to: iso(days(base, 7)),
        groupBy: null,
        workspaceId: null,
        createdBy: admin.id,
        rowCount: null,
        byteSize: null,
        error: null,
        createdAt: expect.any(String),
        completedAt: null,
        downloadPath: `/reports/${res.body.id}/download`,
      });
      const early = await download(res.body.id);
      expectProblem(early, 409, 'REPORT_NOT_READY');
      expect(early.headers['retry-after']).toBe('1');

      const pass = await h.generator.runPass();
      expect(pass.ready).toBeGreaterThanOrEqual(1);
      const ready = (await get(res.body.id)).body;
      expect(ready).toMatchObject({ status: 'READY', rowCount: 1, byteSize: expect.any(Number), error: null });
      expect(Date.parse(ready.completedAt)).not.toBeNaN();
    });

    it('downloads CSV with its headers, quoting names and neutralising formulas', async () => {
      const base = h.window();
      const names = ['Lovelace, "Grand"\nRoom', '=HYPERLINK("http://evil.example")', '-2+3', '@SUM(A1)', 'Plain Room'];
      const bookings = [];
      for (const [i, name] of names.entries()) {
        const booking = h.booking(h.workspace({ name }), hours(base, i + 1), { priceCents: 1000 * (i + 1) });
        await h.happen('booking.created', booking, {}, { occurredAt: base });
        await h.happen(
          'booking.confirmed',
          booking,
          { status: 'CONFIRMED', paidCents: booking.priceCents },
          { occurredAt: hours(base, 0.5) },
        );
        bookings.push(booking);
      }
      const report = await generated({ type: 'bookings', format: 'csv', from: iso(base), to: iso(days(base, 1)) });

      const res = await download(report.id);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="bookings-${iso(base).slice(0, 10)}-${iso(days(base, 1)).slice(0, 10)}.csv"`,
      );
      expect(Number(res.headers['content-length'])).toBe(report.byteSize);
      expect(Buffer.byteLength(res.text)).toBe(report.byteSize);

      const [header, ...rows] = parseCsv(res.text);
      expect(header).toEqual(BOOKINGS_HEADER);
      expect(rows).toHaveLength(5);
      expect(report.rowCount).toBe(5);
      expect(rows.map((r) => r[3])).toEqual([
        'Lovelace, "Grand"\nRoom',
        `'=HYPERLINK("http://evil.example")`,
        "'-2+3",
        "'@SUM(A1)",
        'Plain Room',
      ]);
      expect(rows[0]).toEqual([
        bookings[0]!.id,
        bookings[0]!.userId,
        bookings[0]!.workspace.id,
        'Lovelace, "Grand"\nRoom',
        'CONFIRMED',
        iso(hours(base, 1)),
        iso(hours(base, 3)),
        '1',
        '1000',
        'EUR',
        '1000',
        iso(hours(base, 1)),
        iso(hours(base, 0.5)),
        '',
        '',
      ]);
    });

    it('downloads JSON that parses to what the live endpoints answer', async () => {
      const base = h.window();
      const workspace = h.workspace({ name: 'JSON Room', openingHours: [{ day: 1, open: '09:00', close: '17:00' }] });
      const booking = h.booking(workspace, hours(base, 9));
      await h.happen('booking.created', booking, {}, { occurredAt: base });
      await h.happen(
        'booking.confirmed',
        booking,
        { status: 'CONFIRMED', paidCents: 5000 },
        { occurredAt: hours(base, 1) },
      );
      const range = { from: iso(base), to: iso(days(base, 3)) };

      const occupancy = await generated({ type: 'occupancy', format: 'json', ...range, workspaceId: workspace.id });
      const occupancyRes = await download(occupancy.id);
      expect(occupancyRes.headers['content-type']).toBe('application/json');
      expect(occupancyRes.headers['content-disposition']).toMatch(/filename="occupancy-.*\.json"$/);
      const live = await h.occupancy({ ...range, workspaceId: workspace.id });
      expect(JSON.parse(occupancyRes.text)).toEqual({
        type: 'occupancy',
        ...range,
        workspaceId: workspace.id,
        generatedAt: expect.any(String),
        items: live.items,
      });
      expect(occupancy.rowCount).toBe(live.items.length);

      const revenue = await generated({ type: 'revenue', format: 'json', ...range, groupBy: 'week' });
      const liveRevenue = await h.revenue({ ...range, groupBy: 'week' });
      expect(JSON.parse((await download(revenue.id)).text)).toMatchObject({
        groupBy: 'week',
        items: liveRevenue.items,
      });

      const summary = await generated({ type: 'summary', format: 'json', ...range });
      const { from: _f, to: _t, ...figures } = await h.summary(range);
      expect(JSON.parse((await download(summary.id)).text)).toEqual({
        type: 'summary',
        ...range,
        generatedAt: expect.any(String),
        ...figures,
      });
    });

    it('writes a summary as metric,currency,value lines in CSV', async () => {
      const base = h.window();
      const booking = h.booking(h.workspace(), hours(base, 5));
      await h.happen('booking.created', booking, {}, { occurredAt: base });
      await h.happen('booking.confirmed', booking, { status: 'CONFIRMED', paidCents: 5000 }, { occurredAt: base });
      const report = await generated({ type: 'summary', format: 'csv', from: iso(base), to: iso(days(base, 7)) });
      expect(parseCsv((await download(report.id)).text)).toEqual([
        ['metric', 'currency', 'value'],
        ['bookings_pending', '', '0'],
        ['bookings_confirmed', '', '1'],
        ['bookings_cancelled', '', '0'],
        ['bookings_payment_failed', '', '0'],
        ['bookings_expired', '', '0'],
        ['bookings_deleted', '', '0'],
        ['cancellation_rate', '', '0'],
        ['captured_cents', 'EUR', '5000'],
        ['refunded_cents', 'EUR', '0'],
        ['net_cents', 'EUR', '5000'],
      ]);
    });

    describe('a bookings report of 3000 rows, read 50 at a time', () => {
      let base: Date;
      let workspaceId: string;
      let report: { id: string; rowCount: number; byteSize: number };

      beforeAll(async () => {
        base = h.window();
        const workspace = h.workspace({ name: 'Bulk Hall' });
        workspaceId = workspace.id;
        const seed = h.booking(workspace, base);
        await h.happen('booking.created', seed); // brings the workspace into the read model
        // the rest straight into the read model: the generator is under test here, not the consumer
        await h.sql(
          `INSERT INTO report_bookings (booking_id, user_id, workspace_id, status, start_time, end_time, attendees,
                                        price_cents, currency, paid_cents, booking_created_at, last_sequence, updated_at)
           SELECT gen_random_uuid(), gen_random_uuid(), $1::uuid, 'CONFIRMED', $2::timestamptz + g * interval '10 minutes',
                  $2::timestamptz + g * interval '10 minutes' + interval '5 minutes', 1, 1000 + g, 'EUR', 1000 + g,
                  $2::timestamptz, g, now()
             FROM generate_series(1, 2999) AS g`,
          [workspaceId, iso(base)],
        );
        report = await generated({
          type: 'bookings',
          format: 'csv',
          from: iso(base),
          to: iso(days(base, 28)),
          workspaceId,
        });
      });

      it('stores it in several chunks of about 64 KiB and counts every row', async () => {
        expect(report.rowCount).toBe(3000);
        const chunks = await h.sql<{ seq: number; bytes: number }>(
          'SELECT seq, octet_length(content) AS bytes FROM report_chunks WHERE report_id = $1 ORDER BY seq',
          [report.id],
        );
        expect(chunks.length).toBeGreaterThan(5);
        expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_, i) => i));
        for (const c of chunks.slice(0, -1)) {
          expect(c.bytes).toBeGreaterThanOrEqual(CHUNK_BYTES);
          expect(c.bytes).toBeLessThan(CHUNK_BYTES + 1024); // a chunk ends at the first row past 64 KiB
        }
        expect(chunks.reduce((sum, c) => sum + Number(c.bytes), 0)).toBe(report.byteSize);
      });

      it('downloads whole and in order', async () => {
        const res = await download(report.id);
        expect(res.status).toBe(200);
        expect(Buffer.byteLength(res.text)).toBe(report.byteSize);
        const [header, ...rows] = parseCsv(res.text);
        expect(header).toEqual(BOOKINGS_HEADER);
        expect(rows).toHaveLength(3000);
        expect(rows.every((r) => r[2] === workspaceId && r[3] === 'Bulk Hall')).toBe(true);
        const starts = rows.map((r) => Date.parse(r[5]!));
        expect(starts).toEqual([...starts].sort((a, b) => a - b));
        expect(new Set(rows.map((r) => r[0])).size).toBe(3000);
        expect(rows[2999]![8]).toBe('3999');
      });

      it('streams the chunks as they are read, not the whole report at once', async () => {
        const nextChunk = jest.spyOn(repository(), 'nextChunk');
        try {
          const { body } = await h.app.app.get(StoredReportsService).download(report.id);
          for await (const first of body) {
            expect((first as Buffer).length).toBeGreaterThanOrEqual(CHUNK_BYTES);
            break;
          }
          body.destroy();
          expect(nextChunk.mock.calls.length).toBeLessThanOrEqual(2);
        } finally {
          nextChunk.mockRestore();
        }
      });
      it('hands an unfinished report back (PENDING, the attempt not counted) when the service shuts down', async () => {
        await h.generator.runPass();
        const pending = await requested({ type: 'bookings', format: 'json', from: iso(base), to: iso(days(base, 28)) });
        // a second generator in this process, as a replica being stopped would have
        const replica = new ReportGenerator(
          repository(),
          h.app.app.get(AnalyticsService),
          h.app.app.get(ReportingServiceConfig),
        );
        const pass = replica.runPass();
        await replica.beforeApplicationShutdown();
        expect(await pass).toEqual({ ready: 0, failed: 0, interrupted: 1 });
        expect(await h.sql('SELECT status, attempts, lease_token FROM reports WHERE id = $1', [pending.id])).toEqual([
          { status: 'PENDING', attempts: 0, lease_token: null },
        ]);
        expect(await h.count('report_chunks', 'report_id = $1', [pending.id])).toBe(0);
        await h.generator.runPass();
        expect((await get(pending.id)).body).toMatchObject({ status: 'READY', rowCount: 3000 });
      });
    });

    it('marks a report FAILED when generation fails; its download is 409 REPORT_FAILED', async () => {
      const base = h.window();
      const workspace = h.workspace();
      await h.happen('booking.created', h.booking(workspace, hours(base, 1)));
      // a read model the consumer would never write: generation cannot make sense of it
      await h.sql("UPDATE report_workspaces SET timezone = 'Not/AZone' WHERE workspace_id = $1", [workspace.id]);
      try {
        const report = await requested({
          type: 'occupancy',
          format: 'csv',
          from: iso(base),
          to: iso(days(base, 2)),
          workspaceId: workspace.id,
        });
        await h.generator.runPass();
        const failed = (await get(report.id)).body;
        expect(failed).toMatchObject({
          status: 'FAILED',
          rowCount: null,
          error: `workspace ${workspace.id} has an invalid time zone`,
        });
        expect(await h.count('report_chunks', 'report_id = $1', [report.id])).toBe(0);
        const res = await download(report.id);
        expectProblem(res, 409, 'REPORT_FAILED');
        expect(res.body.detail).toContain('invalid time zone');
      } finally {
        await h.sql("UPDATE report_workspaces SET timezone = 'Europe/Berlin' WHERE workspace_id = $1", [workspace.id]);
      }
    });

    it('claims again, after its lease, a report whose generator died, without keeping its partial output', async () => {
      await h.generator.runPass(); // nothing else pending
      const base = h.window();
      const report = await requested({ type: 'revenue', format: 'csv', from: iso(base), to: iso(days(base, 1)) });
      const dead = await repository().claimNext(60_000, MAX_ATTEMPTS);
      if (dead.kind !== 'claimed') throw new Error(`expected a claim, got ${dead.kind}`);
      expect(dead.claim.report.id).toBe(report.id);
      await repository().appendChunk(dead.claim, 0, 'half-written,garbage\n', 60_000);

      // while the lease holds, no other generator touches it
      await h.generator.runPass();
      expect(await status(report.id)).toBe('GENERATING');

      await h.sql("UPDATE reports SET lease_until = now() - interval '1 second' WHERE id = $1", [report.id]);
      await h.generator.runPass();
      const ready = (await get(report.id)).body;
      expect(ready.status).toBe('READY');
      const text = (await download(report.id)).text;
      expect(text).toBe('period_start,currency,captured_cents,refunded_cents,net_cents\n');
      expect((await h.sql('SELECT attempts FROM reports WHERE id = $1', [report.id]))[0]).toEqual({ attempts: 2 });

      // the dead generator, were it to wake up, can no longer write or finish
      await expect(repository().appendChunk(dead.claim, 1, 'late', 60_000)).rejects.toThrow(LeaseLostError);
      expect(await repository().complete(dead.claim, 1, 1)).toBe(false);
      expect((await download(report.id)).text).toBe(text);
    });

    it(`gives a report up as FAILED after ${MAX_ATTEMPTS} generators died on it`, async () => {
      const base = h.window();
      const report = await requested({ type: 'summary', format: 'csv', from: iso(base), to: iso(days(base, 1)) });
      await h.sql(
        `UPDATE reports SET status = 'GENERATING', attempts = $2, lease_token = gen_random_uuid(),
                lease_until = now() - interval '1 second' WHERE id = $1`,
        [report.id, MAX_ATTEMPTS],
      );
      await h.generator.runPass();
      expect((await get(report.id)).body).toMatchObject({
        status: 'FAILED',
        error: expect.stringMatching(/interrupted 3 times/),
      });
    });

    it('two generators at once (two replicas) produce each report exactly once', async () => {
      await h.generator.runPass();
      const base = h.window();
      const ids = [];
      for (const type of ['summary', 'revenue', 'bookings', 'occupancy']) {
        ids.push((await requested({ type, format: 'csv', from: iso(base), to: iso(days(base, 1)) })).id);
      }
      const passes = await Promise.all([h.generator.runPass(), h.generator.runPass()]);
      expect(passes[0]!.ready + passes[1]!.ready).toBe(4);
      for (const id of ids) {
        expect((await get(id)).body).toMatchObject({ status: 'READY' });
        expect(await h.sql('SELECT attempts FROM reports WHERE id = $1', [id])).toEqual([{ attempts: 1 }]);
      }
    });

    it('stops writing a report that is deleted while it is being generated', async () => {
      await h.generator.runPass();
      const base = h.window();
      const report = await requested({ type: 'summary', format: 'json', from: iso(base), to: iso(days(base, 1)) });
      const claim = await repository().claimNext(60_000, MAX_ATTEMPTS);
      if (claim.kind !== 'claimed') throw new Error(`expected a claim, got ${claim.kind}`);
      expect((await h.app.delete(`/reports/${report.id}`, { token })).status).toBe(204);
      await expect(repository().appendChunk(claim.claim, 0, '{}', 60_000)).rejects.toThrow(LeaseLostError);
      expect(await repository().complete(claim.claim, 1, 2)).toBe(false);
      expect(await h.count('reports', 'id = $1', [report.id])).toBe(0);
    });

    it('DELETE removes the report and its chunks (204); a repeat is 404 REPORT_NOT_FOUND', async () => {
      const base = h.window();
      const report = await generated({ type: 'summary', format: 'csv', from: iso(base), to: iso(days(base, 1)) });
      expect(await h.count('report_chunks', 'report_id = $1', [report.id])).toBe(1);
      const res = await h.app.delete(`/reports/${report.id}`, { token });
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect(await h.count('report_chunks', 'report_id = $1', [report.id])).toBe(0);
      expectProblem(await h.app.delete(`/reports/${report.id}`, { token }), 404, 'REPORT_NOT_FOUND');
      expectProblem(await get(report.id), 404, 'REPORT_NOT_FOUND');
      expectProblem(await download(report.id), 404, 'REPORT_NOT_FOUND');
    });

    describe('Idempotency-Key', () => {
      const body = () => {
        const base = h.window();
        return { type: 'revenue', format: 'csv', from: iso(base), to: iso(days(base, 7)), groupBy: 'week' };
      };

      it('the same admin, key and request get the first report back (200, Idempotent-Replayed), whatever its state', async () => {
        const request = body();
        const key = uniqueKey();
        const first = await create(request, { 'idempotency-key': key });
        expect(first.status).toBe(202);
        // the same request spelled differently: another offset for the same instant, fields in another order
        const { from, ...rest } = request;
        const again = await create({ ...rest, from: from.replace('Z', '+00:00') }, { 'idempotency-key': key });
        expect(again.status).toBe(200);
        expect(again.headers['idempotent-replayed']).toBe('true');
        expect(again.body).toEqual(first.body);
        await h.generator.runPass();
        const afterReady: TestResponse = await create(request, { 'idempotency-key': key });
        expect(afterReady.status).toBe(200);
        expect(afterReady.body).toMatchObject({ id: first.body.id, status: 'READY' });
        expect(await h.count('reports', 'idempotency_key = $1', [key])).toBe(1);
      });

      it('the same key with another request is 422 IDEMPOTENCY_KEY_REUSED and creates nothing', async () => {
        const request = body();
        const key = uniqueKey();
        await create(request, { 'idempotency-key': key });
        expectProblem(
          await create({ ...request, groupBy: 'month' }, { 'idempotency-key': key }),
          422,
          'IDEMPOTENCY_KEY_REUSED',
        );
        expectProblem(
          await create({ ...request, format: 'json' }, { 'idempotency-key': key }),
          422,
          'IDEMPOTENCY_KEY_REUSED',
        );
        expect(await h.count('reports', 'idempotency_key = $1', [key])).toBe(1);
      });

      it('keys are per admin, and without a key every request creates a report', async () => {
        const request = body();
        const key = uniqueKey();
        const other = await h.admin();
        const mine = await create(request, { 'idempotency-key': key });
        const theirs = await create(request, { 'idempotency-key': key }, other.token);
        expect([mine.status, theirs.status]).toEqual([202, 202]);
        expect(theirs.body.id).not.toBe(mine.body.id);
        const plain = [await create(request), await create(request)];
        expect(plain.map((r) => r.status)).toEqual([202, 202]);
        expect(plain[0]!.body.id).not.toBe(plain[1]!.body.id);
      });

      it('concurrent twins with one key create one report', async () => {
        const request = body();
        const key = uniqueKey();
        const results = await Promise.all(Array.from({ length: 8 }, () => create(request, { 'idempotency-key': key })));
        expect(results.filter((r) => r.status === 202)).toHaveLength(1);
        expect(results.filter((r) => r.status === 200)).toHaveLength(7);
        expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
      });

      it('refuses a malformed key with 400 IDEMPOTENCY_KEY_REQUIRED', async () => {
        expectProblem(await create(body(), { 'idempotency-key': 'two words' }), 400, 'IDEMPOTENCY_KEY_REQUIRED');
      });
    });

    it('lists reports newest first, filtered by status and type, a page at a time', async () => {
      await h.generator.runPass(); // no PENDING report is left but these
      const base = h.window();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        ids.push(
          (await requested({ type: 'bookings', format: 'json', from: iso(base), to: iso(days(base, i + 1)) })).id,
        );
      }
      await requested({ type: 'summary', format: 'json', from: iso(base), to: iso(days(base, 1)) });
      const page1 = await h.app.get('/reports', { token, query: { status: 'PENDING', type: 'bookings', limit: '2' } });
      expect(page1.status).toBe(200);
      expect(page1.body.items.map((r: { id: string }) => r.id)).toEqual([ids[2], ids[1]]);
      expect(page1.body.nextCursor).toEqual(expect.any(String));
      const page2 = await h.app.get('/reports', {
        token,
        query: { status: 'PENDING', type: 'bookings', limit: '2', cursor: page1.body.nextCursor },
      });
      expect(page2.body).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
      await h.generator.runPass();
    });
  });
}
