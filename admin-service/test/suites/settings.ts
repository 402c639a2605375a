import { Actor, AdminServiceHarness, expectProblem, violatedFields } from '../support/harness.js';

interface Settings {
  version: number;
  cancellationFullRefundHours: number;
  bookingHoldMinutes: number;
  updatedAt: string;
  updatedBy: string | null;
}

/** The versioned platform settings: reads, changes, If-Match, validation and their audit entries. */
export function settingsSuite(h: AdminServiceHarness): void {
  describe('settings', () => {
    let admin: Actor;

    beforeAll(async () => {
      admin = await h.admin();
    });

    const current = async (): Promise<Settings> => (await h.app.get('/admin/settings', { token: admin.token })).body;
    const patch = (body: unknown, headers: Record<string, string> = {}, actor: Actor = admin) =>
      h.app.patch('/admin/settings', { token: actor.token, body, headers });
    /** Values that differ from the ones in force. */
    const different = (s: Settings) => ({
      cancellationFullRefundHours: (s.cancellationFullRefundHours + 1) % 8761,
      bookingHoldMinutes: (s.bookingHoldMinutes % 1440) + 1,
    });
    const versions = () => h.count('settings_versions');
    const settingsEntries = (actorId: string) =>
      h.count('audit_log', "action = 'settings.updated' AND actor_id = $1", [actorId]);

    it('starts from the seeded version 1: 24 hours full refund, 15 minutes hold, made by nobody', async () => {
      const [seed] = await h.sql<{ values: unknown; changed_by: string | null }>(
        'SELECT "values", changed_by FROM settings_versions WHERE version = 1',
      );
      expect(seed).toEqual({ values: { cancellationFullRefundHours: 24, bookingHoldMinutes: 15 }, changed_by: null });
    });

    it('answers the version in force with its ETag', async () => {
      const res = await h.app.get('/admin/settings', { token: admin.token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        version: expect.any(Number),
        cancellationFullRefundHours: expect.any(Number),
        bookingHoldMinutes: expect.any(Number),
        updatedAt: expect.any(String),
        updatedBy: res.body.version === 1 ? null : expect.any(String),
      });
      expect(res.headers.etag).toBe(`"${res.body.version}"`);
    });

    it('makes a new version on a change, visible to admins and to services', async () => {
      const before = await current();
      const values = different(before);
      const res = await patch(values);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        version: before.version + 1,
        ...values,
        updatedAt: expect.any(String),
        updatedBy: admin.id,
      });
      expect(res.headers.etag).toBe(`"${before.version + 1}"`);
      expect(await current()).toEqual(res.body);

      const internal = await h.app.get('/internal/settings', { token: await h.serviceToken() });
      expect(internal.status).toBe(200);
      expect(internal.body).toEqual({ version: before.version + 1, ...values, updatedAt: res.body.updatedAt });
    });

    it('keeps the other setting when one is sent, and counts versions up by one per change', async () => {
      const before = await current();
      const first = await patch({ bookingHoldMinutes: different(before).bookingHoldMinutes });
      const second = await patch({ cancellationFullRefundHours: different(before).cancellationFullRefundHours });
      expect(first.body).toMatchObject({
        version: before.version + 1,
        cancellationFullRefundHours: before.cancellationFullRefundHours,
        bookingHoldMinutes: different(before).bookingHoldMinutes,
      });
      expect(second.body).toMatchObject({ version: before.version + 2, ...different(before) });
    });

    it('answers a PATCH that changes nothing with the current version, writing no version and no audit entry', async () => {
      const actor = await h.admin();
      const before = await current();
      const [versionsBefore] = [await versions()];
      const res = await patch({ bookingHoldMinutes: before.bookingHoldMinutes }, {}, actor);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(before);
      expect(await versions()).toBe(versionsBefore);
      expect(await settingsEntries(actor.id)).toBe(0);
    });

    it('makes a retry harmless: the same change again, even with its old If-Match, answers the same version', async () => {
      const before = await current();
      const values = different(before);
      const first = await patch(values, { 'if-match': `"${before.version}"` });
      const retry = await patch(values, { 'if-match': `"${before.version}"` });
      expect(first.status).toBe(200);
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual(first.body);
      expect(await current()).toEqual(first.body);
    });

    it('refuses a change based on a stale version with 412 SETTINGS_VERSION_MISMATCH, changing nothing', async () => {
      const stale = await current();
      await patch(different(stale));
      const now = await current();
      const res = await patch(
        { bookingHoldMinutes: different(now).bookingHoldMinutes },
        { 'if-match': `"${stale.version}"` },
      );
      expectProblem(res, 412, 'SETTINGS_VERSION_MISMATCH');
      expect(res.body).toMatchObject({ expectedVersion: stale.version, currentVersion: now.version });
      expect(await current()).toEqual(now);
    });

    it.each([['"%d"'], ['W/"%d"'], ['%d'], ['*']])('takes If-Match %s naming the version in force', async (form) => {
      const now = await current();
      const res = await patch(different(now), { 'if-match': form.replace('%d', String(now.version)) });
      expect(res.status).toBe(200);
      expect(res.body.version).toBe(now.version + 1);
    });

    it.each([['"abc"'], ['"1'], ['"0"'], ['1, 2']])('answers If-Match %s with 400 naming If-Match', async (ifMatch) => {
      const res = await patch({ bookingHoldMinutes: 30 }, { 'if-match': ifMatch });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(violatedFields(res)).toEqual(['If-Match']);
    });

    it.each<[string, unknown, string[]]>([
      ['a negative number of hours', { cancellationFullRefundHours: -1 }, ['cancellationFullRefundHours']],
      ['more than a year of hours', { cancellationFullRefundHours: 8761 }, ['cancellationFullRefundHours']],
      ['a fractional hold', { bookingHoldMinutes: 1.5 }, ['bookingHoldMinutes']],
      ['a zero hold', { bookingHoldMinutes: 0 }, ['bookingHoldMinutes']],
      ['a hold over a day', { bookingHoldMinutes: 1441 }, ['bookingHoldMinutes']],
      ['a number as a string', { bookingHoldMinutes: '30' }, ['bookingHoldMinutes']],
      ['null', { cancellationFullRefundHours: null }, ['cancellationFullRefundHours']],
      ['an empty body', {}, ['bookingHoldMinutes', 'cancellationFullRefundHours']],
      ['an unknown field', { bookingHoldMinutes: 30, currency: 'EUR' }, ['currency']],
    ])('refuses %s with 400 naming the field, changing nothing', async (_what, body, fields) => {
      const before = await current();
      const res = await patch(body);
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(violatedFields(res)).toEqual(fields);
      expect(await current()).toEqual(before);
    });

    it('says what an empty body could have carried', async () => {
      const res = await patch({});
      expect(res.body.detail).toMatch(/send at least one of cancellationFullRefundHours, bookingHoldMinutes/);
    });

    it('answers a PATCH without a body with 400 naming the fields it could carry', async () => {
      const res = await h.app.patch('/admin/settings', { token: admin.token });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(violatedFields(res)).toEqual(['bookingHoldMinutes', 'cancellationFullRefundHours']);
    });

    it('answers malformed JSON with 400', async () => {
      const res = await h.app.patch('/admin/settings', { token: admin.token, rawBody: '{"bookingHoldMinutes":' });
      expectProblem(res, 400);
    });

    it('writes one audit entry per change, with the values before and after, the actor and the request id', async () => {
      const actor = await h.admin();
      const before = await current();
      const values = different(before);
      const res = await patch(values, { 'x-request-id': `settings-${actor.id}` }, actor);
      await patch(values, {}, actor); // a retry: no second entry
      const audit = await h.app.get('/admin/audit', {
        token: admin.token,
        query: { actor: actor.id, action: 'settings.updated' },
      });
      expect(audit.body.items).toEqual([
        {
          id: expect.any(String),
          source: 'admin-service',
          sourceEntryId: expect.any(String),
          sequence: null,
          occurredAt: res.body.updatedAt,
          actorId: actor.id,
          action: 'settings.updated',
          targetType: 'settings',
          targetId: String(res.body.version),
          before: {
            version: before.version,
            cancellationFullRefundHours: before.cancellationFullRefundHours,
            bookingHoldMinutes: before.bookingHoldMinutes,
          },
          after: { version: res.body.version, ...values },
          requestId: `settings-${actor.id}`,
          recordedAt: expect.any(String),
        },
      ]);
    });

    it('serialises concurrent changes: each gets its own version, none is lost', async () => {
      const before = await current();
      const holds = [101, 102, 103, 104].filter((m) => m !== before.bookingHoldMinutes);
      const answers = await Promise.all(holds.map((bookingHoldMinutes) => patch({ bookingHoldMinutes })));
      expect(answers.map((r) => r.status)).toEqual(holds.map(() => 200));
      expect(answers.map((r) => r.body.version).sort()).toEqual(holds.map((_, i) => before.version + 1 + i));
      const rows = await h.sql<{ version: number }>('SELECT version FROM settings_versions WHERE version > $1', [
        before.version,
      ]);
      expect(rows).toHaveLength(holds.length);
    });

    it('keeps the history in the database: no UPDATE or DELETE, and values out of range are refused', async () => {
      await expect(h.sql('UPDATE settings_versions SET changed_by = NULL WHERE version = 1')).rejects.toThrow(
        /settings_versions is append-only: UPDATE is not allowed/,
      );
      await expect(h.sql('DELETE FROM settings_versions WHERE version = 1')).rejects.toThrow(/append-only: DELETE/);
      const insert = (values: string) =>
        h.sql(`INSERT INTO settings_versions (version, "values") VALUES (1000000, $1::jsonb)`, [values]);
      await expect(insert('{"cancellationFullRefundHours": -1, "bookingHoldMinutes": 15}')).rejects.toThrow(
        /settings_versions_values_in_range/,
      );
      await expect(insert('{"cancellationFullRefundHours": 24, "bookingHoldMinutes": 1.5}')).rejects.toThrow(
        /settings_versions_values_in_range/,
      );
      await expect(insert('{"cancellationFullRefundHours": 24}')).rejects.toThrow(/settings_versions_values_in_range/);
    });
  });
}
