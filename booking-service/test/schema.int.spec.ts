import { postgresErrorCode } from '@cowork/service-kit';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BookingHarness } from './support/booking-app.js';

const SCHEMA = fileURLToPath(new URL('../prisma/schema.prisma', import.meta.url));

/**
 * schema.prisma against the migrated database, and the exclusion constraint that makes double
 * booking impossible, exercised directly in SQL (no service code in between).
 */
describe('database schema (integration)', () => {
  let h: BookingHarness;

  beforeAll(async () => {
    h = await BookingHarness.start();
  });
  afterAll(async () => {
    await h?.close();
  });

  const drift = (schemaFile: string) => h.app.schemaDrift(schemaFile);

  /** Inserts a bookings row in plain SQL; resolves to the SQLSTATE it failed with, or 'ok'. */
  async function insert(row: {
    workspaceId: string;
    start: string;
    end: string;
    status?: string;
    attendees?: number;
    priceCents?: number;
  }) {
    const id = randomUUID();
    try {
      await h.prisma.$executeRaw`
        INSERT INTO "bookings" ("id", "user_id", "workspace_id", "start_time", "end_time", "attendees", "status",
          "price_cents", "currency", "created_by", "idempotency_key", "request_hash", "user_email", "user_full_name",
          "workspace_name", "workspace_timezone", "updated_at")
        VALUES (${id}::uuid, ${randomUUID()}::uuid, ${row.workspaceId}::uuid, ${row.start}::timestamptz,
          ${row.end}::timestamptz, ${row.attendees ?? 1}, ${row.status ?? 'PENDING'}::"BookingStatus",
          ${row.priceCents ?? 1000}, 'EUR', ${randomUUID()}::uuid, ${id}, ${'0'.repeat(64)}, 'a@example.com', 'A',
          'Room', 'Europe/Berlin', now())`;
      return { result: 'ok', id };
    } catch (error) {
      return { result: postgresErrorCode(error) ?? String(error), id };
    }
  }

  describe('schema.prisma and the migrations', () => {
    it('agree: every model, field, enum and unique index exists in the freshly migrated database', async () => {
      expect(await drift(SCHEMA)).toEqual([]);
    });

    it('would be caught disagreeing (a new field, enum value and unique index the migrations lack)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'booking-service-drift-'));
      try {
        const changed = readFileSync(SCHEMA, 'utf8')
          .replace('  CANCELLED\n', '  CANCELLED\n  REFUNDED\n')
          .replace(
            '  @@map("bookings")',
            '  refundReference String? @unique @map("refund_reference")\n\n  @@map("bookings")',
          );
        const file = join(dir, 'schema.prisma');
        writeFileSync(file, changed);
        expect(await drift(file)).toEqual(
          expect.arrayContaining([
            expect.stringContaining('"bookings"."refund_reference" does not exist'),
            expect.stringContaining('BookingStatus lacks value REFUNDED'),
            expect.stringMatching(/refundReference @unique: no unique index/),
          ]),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('records the applied migration the way Prisma does', async () => {
      const rows = await h.prisma.$queryRaw<{ migration_name: string; checksum: string; finished_at: Date | null }[]>`
        SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name`;
      expect(rows.map((r) => r.migration_name)).toEqual([
        '20261125020000_bookings',
        '20261125030000_payment_saga',
        '20261125040000_event_relay',
        '20261125050000_audit_entries',
        '20261125060000_relay_lease',
      ]);
      for (const row of rows) {
        expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
        expect(row.finished_at).not.toBeNull();
      }
    });
  });

  describe('the exclusion constraint bookings_no_overlap', () => {
    it('exists: a GiST exclusion on (workspace_id =, tstzrange [) &&) over PENDING and CONFIRMED rows', async () => {
      const [constraint] = await h.prisma.$queryRaw<{ contype: string; definition: string }[]>`
        SELECT contype::text AS contype, pg_get_constraintdef(oid) AS definition
          FROM pg_constraint WHERE conname = 'bookings_no_overlap' AND conrelid = '"bookings"'::regclass`;
      expect(constraint).toBeDefined();
      expect(constraint!.contype).toBe('x');
      expect(constraint!.definition).toMatch(/^EXCLUDE USING gist/);
      expect(constraint!.definition).toMatch(/workspace_id WITH =/);
      expect(constraint!.definition).toMatch(/tstzrange\(start_time, end_time, '\[\)'::text\) WITH &&/);
      expect(constraint!.definition).toMatch(/PENDING/);
      expect(constraint!.definition).toMatch(/CONFIRMED/);
      expect(constraint!.definition).not.toMatch(/CANCELLED/);
      const extensions = await h.prisma.$queryRaw<{ extname: string }[]>`
        SELECT extname FROM pg_extension WHERE extname = 'btree_gist'`;
      expect(extensions).toHaveLength(1);
    });

    it('refuses an overlapping active row with SQLSTATE 23P01, whatever the statuses', async () => {
      const workspaceId = randomUUID();
      expect((await insert({ workspaceId, start: '2030-01-07T10:00Z', end: '2030-01-07T11:00Z' })).result).toBe('ok');
      expect((await insert({ workspaceId, start: '2030-01-07T10:30Z', end: '2030-01-07T11:30Z' })).result).toBe(
        '23P01',
      );
      expect(
        (await insert({ workspaceId, start: '2030-01-07T09:00Z', end: '2030-01-07T12:00Z', status: 'CONFIRMED' }))
          .result,
      ).toBe('23P01');
      expect(await h.prisma.booking.count({ where: { workspaceId } })).toBe(1);
    });

    it('accepts a CANCELLED overlapping row, back-to-back rows, and the same time at another workspace', async () => {
      const workspaceId = randomUUID();
      const first = await insert({
        workspaceId,
        start: '2030-01-07T10:00Z',
        end: '2030-01-07T11:00Z',
        status: 'CONFIRMED',
      });
      expect(first.result).toBe('ok');
      const cancelled = await insert({
        workspaceId,
        start: '2030-01-07T10:00Z',
        end: '2030-01-07T11:00Z',
        status: 'CANCELLED',
      });
      expect(cancelled.result).toBe('ok');
      expect((await insert({ workspaceId, start: '2030-01-07T11:00Z', end: '2030-01-07T12:00Z' })).result).toBe('ok');
      expect((await insert({ workspaceId, start: '2030-01-07T09:00Z', end: '2030-01-07T10:00Z' })).result).toBe('ok');
      expect(
        (await insert({ workspaceId: randomUUID(), start: '2030-01-07T10:00Z', end: '2030-01-07T11:00Z' })).result,
      ).toBe('ok');
      // reviving the cancelled row would overlap: refused too
      let revived: string | undefined;
      try {
        await h.prisma.$executeRaw`UPDATE "bookings" SET "status" = 'PENDING' WHERE "id" = ${cancelled.id}::uuid`;
        revived = 'ok';
      } catch (error) {
        revived = postgresErrorCode(error);
      }
      expect(revived).toBe('23P01');
    });

    it('lets PAYMENT_FAILED and EXPIRED rows overlap an active one (they hold no slot)', async () => {
      const workspaceId = randomUUID();
      expect((await insert({ workspaceId, start: '2030-01-07T10:00Z', end: '2030-01-07T11:00Z' })).result).toBe('ok');
      for (const status of ['PAYMENT_FAILED', 'EXPIRED']) {
        expect(
          (await insert({ workspaceId, start: '2030-01-07T10:00Z', end: '2030-01-07T11:00Z', status })).result,
        ).toBe('ok');
      }
      expect(await h.prisma.booking.count({ where: { workspaceId } })).toBe(3);
    });

    it('refuses negative money columns (bookings_paid_check, 23514)', async () => {
      const { id, result } = await insert({
        workspaceId: randomUUID(),
        start: '2030-01-07T10:00Z',
        end: '2030-01-07T11:00Z',
      });
      expect(result).toBe('ok');
      for (const column of ['paid_cents', 'refund_due_cents']) {
        let outcome: string | undefined;
        try {
          await h.prisma.$executeRawUnsafe(`UPDATE "bookings" SET "${column}" = -1 WHERE "id" = $1::uuid`, id);
          outcome = 'ok';
        } catch (error) {
          outcome = postgresErrorCode(error);
        }
        expect(outcome).toBe('23514');
      }
    });

    it('keeps the CHECK constraints: end after start, at least one attendee, no negative price (23514)', async () => {
      const workspaceId = randomUUID();
      expect((await insert({ workspaceId, start: '2030-01-07T10:00Z', end: '2030-01-07T10:00Z' })).result).toBe(
        '23514',
      );
      expect(
        (await insert({ workspaceId, start: '2030-01-07T10:00Z', end: '2030-01-07T11:00Z', attendees: 0 })).result,
      ).toBe('23514');
      expect(
        (await insert({ workspaceId, start: '2030-01-07T10:00Z', end: '2030-01-07T11:00Z', priceCents: -1 })).result,
      ).toBe('23514');
    });
  });
});
