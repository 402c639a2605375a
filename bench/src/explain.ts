import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { DAY_MS, OPENING_HOURS, SlotAllocator, todayUtc } from './data.js';
import { percentile, round } from './load.js';

export interface ExplainResult {
  existingBookings: number;
  /** median / p99 ms of the statement run 200 times (writes: 50, each rolled back; no EXPLAIN), and its plan with ANALYZE + BUFFERS */
  statements: { name: string; medianMs: number; p99Ms: number; plan: string }[];
}

interface Statement {
  name: string;
  sql: string;
  params: unknown[];
  /** run inside BEGIN ... ROLLBACK (writes) */
  write?: boolean;
}

/**
 * The statements of the measured paths against the loaded bookings table, as booking-service
 * sends them (the Prisma queries written out), each timed and EXPLAINed (ANALYZE, BUFFERS).
 * Writes run in a transaction that is rolled back.
 */
export async function explainBookingStatements(
  client: pg.Client,
  existingBookings: number,
  ctx: { workspaceId: string; member: { id: string; email: string; fullName: string }; slots: SlotAllocator },
): Promise<ExplainResult> {
  const from = new Date(todayUtc() + DAY_MS);
  const to = new Date(from.getTime() + 7 * DAY_MS);
  const slot = ctx.slots.next();
  const id = randomUUID();
  const statements: Statement[] = [
    {
      name: 'availability: active bookings overlapping a week (as Prisma sends it)',
      sql: `SELECT "start_time", "end_time" FROM "bookings"
            WHERE "workspace_id" = $1 AND "status" IN ('PENDING', 'CONFIRMED') AND "start_time" < $2 AND "end_time" > $3
            ORDER BY "start_time" ASC`,
      params: [ctx.workspaceId, to, from],
    },
    {
      name: 'availability, suggested: the same through the exclusion constraint GiST index (range overlap)',
      sql: `SELECT "start_time", "end_time" FROM "bookings"
            WHERE "workspace_id" = $1 AND "status" IN ('PENDING', 'CONFIRMED')
              AND tstzrange("start_time", "end_time", '[)') && tstzrange($3, $2, '[)')
            ORDER BY "start_time" ASC`,
      params: [ctx.workspaceId, to, from],
    },
    {
      name: 'findByIdempotencyKey (every POST /bookings)',
      sql: `SELECT * FROM "bookings" WHERE "created_by" = $1 AND "idempotency_key" = $2 LIMIT 1`,
      params: [ctx.member.id, `missing-${randomUUID()}`],
    },
    {
      name: 'booking insert under the exclusion constraint (rolled back)',
      write: true,
      sql: `INSERT INTO bookings (id, user_id, workspace_id, start_time, end_time, attendees, status, price_cents,
              currency, created_by, idempotency_key, request_hash, user_email, user_full_name, workspace_name,
              workspace_timezone, workspace_opening_hours, payment_method, hold_expires_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, 1, 'PENDING', 2000, 'EUR', $2, $6, $7, $8, $9, 'Bench room', 'UTC', $10,
              'pm_card_visa', now() + interval '15 minutes', now()) RETURNING *`,
      params: [
        id,
        ctx.member.id,
        slot.workspaceId,
        slot.start,
        slot.end,
        `explain-${randomUUID()}`,
        '0'.repeat(64),
        ctx.member.email,
        ctx.member.fullName,
        JSON.stringify(OPENING_HOURS),
      ],
    },
    {
      name: 'confirm: versioned UPDATE of the new booking (rolled back)',
      write: true,
      sql: `UPDATE "bookings" SET "status" = 'CONFIRMED', "confirmed_at" = now(), "hold_expires_at" = NULL,
              "paid_cents" = 2000, "version" = "version" + 1, "updated_at" = now()
            WHERE "id" = $1 AND "version" = 1 AND "status" IN ('PENDING')`,
      params: [id],
    },
  ];
  const results: ExplainResult['statements'] = [];
  {
    for (const s of statements) {
      const times: number[] = [];
      for (let i = 0; i < (s.write ? 50 : 200); i++) {
        if (s.write) {
          // in a transaction that is rolled back, after the writes it depends on
          await client.query('BEGIN');
          for (const earlier of statements.filter((x) => x.write)) {
            if (earlier === s) break;
            await client.query(earlier.sql, earlier.params);
          }
        }
        const t0 = performance.now();
        await client.query(s.sql, s.params);
        times.push(performance.now() - t0);
        if (s.write) await client.query('ROLLBACK');
      }
      times.sort((a, b) => a - b);
      const plan = await explain(client, s, statements);
      results.push({
        name: s.name,
        medianMs: round(percentile(times, 50), 3),
        p99Ms: round(percentile(times, 99), 3),
        plan,
      });
    }
  }
  return { existingBookings, statements: results };
}

async function explain(client: pg.Client, s: Statement, all: Statement[]): Promise<string> {
  const run = async () => {
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${s.sql}`, s.params);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  };
  if (!s.write) return run();
  await client.query('BEGIN');
  try {
    // the UPDATE needs the inserted row: run the writes before it in the same transaction
    for (const earlier of all.filter((x) => x.write)) {
      if (earlier === s) break;
      await client.query(earlier.sql, earlier.params);
    }
    return await run();
  } finally {
    await client.query('ROLLBACK');
  }
}
