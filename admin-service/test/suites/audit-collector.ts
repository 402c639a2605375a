import { DatabaseConnection } from '@cowork/service-kit';
import { AUDIT_SOURCE_LOCK_CLASS, AuditLogRepository } from '../../src/audit/audit-log.repository.js';
import { readPage } from '../../src/audit/audit-collector.js';
import { AdminServiceHarness, AUDIT_PAGE_SIZE } from '../support/harness.js';
import type { SourceEntry } from '../support/downstreams.js';

/** The collector: every source's entries stored once, page by page, through outages and races. */
export function auditCollectorSuite(h: AdminServiceHarness): void {
  describe('audit collector', () => {
    afterEach(() => h.downstreams.reset());

    const stored = (entries: SourceEntry[]) =>
      h.count('audit_log', 'source_entry_id = ANY($1::text[])', [entries.map((e) => e.id)]);
    const cursorOf = async (source: string) =>
      Number(
        (
          await h.sql<{ s: string }>('SELECT last_sequence::text AS s FROM audit_cursors WHERE source = $1', [source])
        )[0]?.s ?? 0,
      );
    const afters = (from: number) =>
      h.downstreams.alphaSource.requests.slice(from).map((r) => Number(r.query.get('after')));

    it('pulls every source page by page from its cursor, with a service token, and stores each entry', async () => {
      const alpha = h.downstreams.alphaTrail.record(7);
      const beta = h.downstreams.betaTrail.record(2, { action: 'workspace.created', targetType: 'workspace' });
      const [alphaStart, betaStart] = [await cursorOf('alpha-service'), await cursorOf('beta-service')];
      const seenBefore = h.downstreams.alphaSource.requests.length;

      const round = await h.collector.collectOnce();

      expect(round).toEqual({
        'alpha-service': { outcome: 'caught-up', inserted: 7 },
        'beta-service': { outcome: 'caught-up', inserted: 2 },
      });
      // pages of AUDIT_PAGE_SIZE, each from where the last one ended
      expect(afters(seenBefore)).toEqual([alphaStart, alphaStart + 3, alphaStart + 6]);
      for (const r of h.downstreams.alphaSource.requests.slice(seenBefore)) {
        expect(r.query.get('limit')).toBe(String(AUDIT_PAGE_SIZE));
        expect(r.authorization).toMatch(/^Bearer /);
      }
      expect(await stored(alpha)).toBe(7);
      expect(await stored(beta)).toBe(2);
      expect(await cursorOf('alpha-service')).toBe(alphaStart + 7);
      expect(await cursorOf('beta-service')).toBe(betaStart + 2);

      const [row] = await h.sql<Record<string, unknown>>(
        `SELECT source, sequence::int AS sequence, occurred_at, actor_id, action, target_type, target_id, before, after, request_id
           FROM audit_log WHERE source_entry_id = $1`,
        [beta[0]!.id],
      );
      expect(row).toEqual({
        source: 'beta-service',
        sequence: beta[0]!.sequence,
        occurred_at: new Date(beta[0]!.occurredAt),
        actor_id: beta[0]!.actorId,
        action: 'workspace.created',
        target_type: 'workspace',
        target_id: beta[0]!.targetId,
        before: beta[0]!.before,
        after: beta[0]!.after,
        request_id: beta[0]!.requestId,
      });
    });

    it('adds nothing on a second pass', async () => {
      await h.collector.collectOnce();
      const before = await h.count('audit_log');
      const round = await h.collector.collectOnce();
      expect(round).toEqual({
        'alpha-service': { outcome: 'caught-up', inserted: 0 },
        'beta-service': { outcome: 'caught-up', inserted: 0 },
      });
      expect(await h.count('audit_log')).toBe(before);
    });

    it('stores an entry a source sends again only once (UNIQUE source, source_entry_id)', async () => {
      const alpha = h.downstreams.alphaTrail.record(2);
      await h.collector.collectOnce();
      const end = await cursorOf('alpha-service');
      // as if the cursor had been lost: the whole trail comes again
      await h.sql("UPDATE audit_cursors SET last_sequence = 0 WHERE source = 'alpha-service'");
      const round = await h.collector.collectOnce();
      expect(round['alpha-service']).toEqual({ outcome: 'caught-up', inserted: 0 });
      expect(await stored(alpha)).toBe(2);
      expect(await cursorOf('alpha-service')).toBe(end);
    });

    it('skips a source that is down, collects the others, and catches it up once it is back', async () => {
      const alpha = h.downstreams.alphaTrail.record(2);
      const beta = h.downstreams.betaTrail.record(4);
      const betaStart = await cursorOf('beta-service');
      await h.downstreams.betaSource.stop();

      const whileDown = await h.collector.collectOnce();
      expect(whileDown).toEqual({
        'alpha-service': { outcome: 'caught-up', inserted: 2 },
        'beta-service': { outcome: 'unavailable', inserted: 0 },
      });
      expect(await stored(alpha)).toBe(2);
      expect(await stored(beta)).toBe(0);
      expect(await cursorOf('beta-service')).toBe(betaStart);

      await h.downstreams.betaSource.start();
      const afterwards = await h.collector.collectOnce();
      expect(afterwards['beta-service']).toEqual({ outcome: 'caught-up', inserted: 4 });
      expect(await stored(beta)).toBe(4);
    });

    it('skips a source answering 5xx the same way', async () => {
      const beta = h.downstreams.betaTrail.record(1);
      h.downstreams.betaSource.mode = 'error';
      expect((await h.collector.collectOnce())['beta-service']!.outcome).toBe('unavailable');
      h.downstreams.betaSource.reset();
      expect((await h.collector.collectOnce())['beta-service']).toEqual({ outcome: 'caught-up', inserted: 1 });
      expect(await stored(beta)).toBe(1);
    });

    it('stores each entry once when two collectors run at the same time', async () => {
      const alpha = h.downstreams.alphaTrail.record(8);
      const start = await cursorOf('alpha-service');
      // slow answers, so both collectors have asked for the same page before either stores it
      h.downstreams.alphaSource.mode = 'slow';
      h.downstreams.alphaSource.delayMs = 50;
      const rounds = await Promise.all([h.collector.collectOnce(), h.collector.collectOnce()]);
      const inserted = rounds.reduce((sum, r) => sum + r['alpha-service']!.inserted, 0);
      expect(inserted).toBe(8);
      expect(await stored(alpha)).toBe(8);
      expect(await h.count('audit_log', "source = 'alpha-service' AND sequence > $1", [start])).toBe(8);
      expect(await cursorOf('alpha-service')).toBe(start + 8);
    });

    it('never moves the cursor back when another collector stored pages while it waited for one', async () => {
      const alpha = h.downstreams.alphaTrail.record(6);
      const start = await cursorOf('alpha-service');
      const seenBefore = h.downstreams.alphaSource.requests.length;
      let raced = false;
      h.downstreams.alphaSource.beforeReply = async () => {
        if (raced) return;
        raced = true;
        // another replica stores both pages while this collector waits for the first one
        const repo = h.app.app.get(AuditLogRepository);
        for (const [from, to] of [
          [0, 3],
          [3, 6],
        ] as const) {
          const page = readPage('alpha-service', { items: alpha.slice(from, to), nextAfter: start + to }, start + from);
          await repo.storePage('alpha-service', start + from, page.items, page.nextAfter);
        }
      };
      const round = await h.collector.collectOnce();
      expect(round['alpha-service']).toEqual({ outcome: 'caught-up', inserted: 0 });
      // its stale page was dropped and it read on from where the other one ended
      expect(afters(seenBefore)).toEqual([start, start + 6]);
      expect(await stored(alpha)).toBe(6);
      expect(await cursorOf('alpha-service')).toBe(start + 6);
    });

    it('stands back from a source another collector holds (PostgreSQL: a second connection holds its lock)', async () => {
      if (h.db.kind !== 'postgres') return; // PGlite has one connection: nobody else can hold a lock
      const alpha = h.downstreams.alphaTrail.record(1);
      const start = await cursorOf('alpha-service');
      const session = await h.app.app.get(DatabaseConnection).session();
      try {
        await session.exec('BEGIN');
        await session.query("SELECT pg_advisory_xact_lock($1, hashtext('alpha-service'))", [AUDIT_SOURCE_LOCK_CLASS]);
        expect((await h.collector.collectOnce())['alpha-service']).toEqual({ outcome: 'busy', inserted: 0 });
        expect(await cursorOf('alpha-service')).toBe(start);
      } finally {
        await session.exec('ROLLBACK');
        await session.release();
      }
      expect((await h.collector.collectOnce())['alpha-service']).toEqual({ outcome: 'caught-up', inserted: 1 });
      expect(await stored(alpha)).toBe(1);
    });

    it('leaves a source that answers an invalid entry at its cursor, and goes on once the entry is fixed', async () => {
      const [bad] = h.downstreams.betaTrail.record(1, { actorId: 'somebody' });
      const start = await cursorOf('beta-service');
      expect((await h.collector.collectOnce())['beta-service']).toEqual({ outcome: 'invalid', inserted: 0 });
      expect(await cursorOf('beta-service')).toBe(start);
      bad!.actorId = null;
      expect((await h.collector.collectOnce())['beta-service']).toEqual({ outcome: 'caught-up', inserted: 1 });
      expect(await stored([bad!])).toBe(1);
    });

    it('counts what it collected on /metrics', async () => {
      const res = await h.app.get('/metrics');
      expect(res.text).toMatch(/audit_entries_collected_total\{source="alpha-service",service="admin-service"\} \d+/);
      expect(res.text).toMatch(/audit_collection_rounds_total\{source="beta-service",outcome="unavailable"/);
    });
  });
}
