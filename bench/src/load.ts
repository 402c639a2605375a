import { uuidv7 } from '@cowork/service-kit';
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { flushToDisk, OPENING_HOURS, SlotAllocator } from './data.js';

export interface Measurement {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  requests: number;
  durationS: number;
  /** response statuses seen in the measured window */
  statuses?: Record<string, number>;
  /** a few answers that were not the expected status (for the report) */
  errorSamples?: string[];
}

export interface Phases {
  warmupS: number;
  durationS: number;
  connections: number;
  /** called right before the measured window (CPU snapshot, profiler start) */
  beforeMeasure?: () => Promise<void>;
  /** called right after it */
  afterMeasure?: () => Promise<void>;
}

type RequestSpec = autocannon.Request;

/**
 * An autocannon run against one URL: a warm-up (discarded), then the measured window with the
 * same request generators. Errors = connection errors and timeouts + every answer whose status is
 * not `expectStatus`.
 */
export async function measureHttp(
  url: string,
  requests: RequestSpec[],
  expectStatus: number,
  phases: Phases,
): Promise<Measurement> {
  const state = { measuring: false, unexpected: 0, statuses: {} as Record<string, number>, samples: [] as string[] };
  const wrapped = requests.map((r) => ({
    ...r,
    onResponse: (status: number, body: string) => {
      if (!state.measuring) return;
      state.statuses[status] = (state.statuses[status] ?? 0) + 1;
      if (status !== expectStatus) {
        state.unexpected++;
        if (state.samples.length < 5) state.samples.push(`${status} ${String(body).slice(0, 300)}`);
      }
    },
  })) as RequestSpec[];
  const options = { url, connections: phases.connections, requests: wrapped, timeout: 10 };
  if (phases.warmupS > 0) await autocannon({ ...options, duration: phases.warmupS });
  await phases.beforeMeasure?.();
  state.measuring = true;
  const result = await autocannon({ ...options, duration: phases.durationS });
  state.measuring = false;
  await phases.afterMeasure?.();
  return {
    rps: round(result.requests.total / result.duration, 1),
    p50Ms: round(result.latency.p50, 2),
    p99Ms: round(result.latency.p99, 2),
    errors: result.errors + state.unexpected,
    requests: result.requests.total,
    durationS: round(result.duration, 2),
    statuses: state.statuses,
    ...(state.samples.length ? { errorSamples: state.samples } : {}),
  };
}

export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

// ------------------------------------------------------------------ the raw database limit

/** The subscribers booking-service writes a delivery row for (its EVENT_SUBSCRIBERS). */
const SUBSCRIBERS = ['notification-service', 'reporting-service'];
/** Marks the raw scenario's rows so they can be removed afterwards. */
export const RAW_KEY_PREFIX = 'rawdb-';
export const RAW_EVENT_TYPE = 'bench.rawdb';

export interface RawContext {
  workspaces: { id: string; name: string }[];
  members: { id: string; email: string; fullName: string }[];
  slots: SlotAllocator;
}

/**
 * The core write of a booking, straight to PostgreSQL with pg, nothing else: one statement (one
 * implicit transaction, as booking-service's create runs it) that inserts the booking (every NOT
 * NULL column, as booking-service fills it) under the exclusion constraint, its outbox event and
 * one delivery row per subscriber. `connections` clients loop over it for the warm-up, then for the measured
 * window. The delivery rows are due at 'infinity' so that booking-service's relay leaves them
 * alone; removeRawRows() deletes them afterwards.
 */
export async function measureRawDb(bookingDbUrl: string, ctx: RawContext, phases: Phases): Promise<Measurement> {
  const pool = new pg.Pool({ connectionString: bookingDbUrl, max: phases.connections });
  // an idle client's lost connection: the pool drops it; the next query fails the run
  pool.on('error', (error) => console.error(`[bench] rawDb connection lost: ${error.message}`));
  let n = 0;
  const transaction = async (client: pg.PoolClient) => {
    const slot = ctx.slots.next();
    const member = ctx.members[n % ctx.members.length];
    const workspace = ctx.workspaces.find((w) => w.id === slot.workspaceId)!;
    const id = uuidv7();
    const key = `${RAW_KEY_PREFIX}${n++}-${randomUUID()}`;
    const now = new Date();
    const payload = {
      booking: {
        id,
        userId: member.id,
        workspaceId: workspace.id,
        startTime: slot.start.toISOString(),
        endTime: slot.end.toISOString(),
        attendees: 1,
        status: 'PENDING',
        priceCents: 2000,
        currency: 'EUR',
        paidCents: 0,
        version: 1,
        createdAt: now.toISOString(),
      },
      user: { id: member.id, email: member.email, fullName: member.fullName },
      workspace: { id: workspace.id, name: workspace.name, timezone: 'UTC', openingHours: OPENING_HOURS },
      actorId: member.id,
    };
    await client.query(
      `WITH booking AS (
         INSERT INTO bookings (id, user_id, workspace_id, start_time, end_time, attendees, status, price_cents,
           currency, created_by, idempotency_key, request_hash, user_email, user_full_name, workspace_name,
           workspace_timezone, workspace_opening_hours, payment_method, hold_expires_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 1, 'PENDING', 2000, 'EUR', $2, $6, $7, $8, $9, $10, 'UTC', $11, 'pm_card_visa',
           $12, $13, $13)
         RETURNING id
       ),
       event AS (
         INSERT INTO outbox_events (id, type, aggregate_id, schema_version, payload, occurred_at, updated_at)
         SELECT $14::uuid, $15, booking.id, 1, $16::jsonb, now(), now() FROM booking
         RETURNING id, aggregate_id, position
       )
       INSERT INTO outbox_deliveries (event_id, subscriber, aggregate_id, position, next_attempt_at)
       SELECT event.id, subscriber, event.aggregate_id, event.position, 'infinity'
       FROM event, unnest($17::varchar[]) AS subscriber`,
      [
        id,
        member.id,
        workspace.id,
        slot.start,
        slot.end,
        key,
        '0'.repeat(64),
        member.email,
        member.fullName,
        workspace.name,
        JSON.stringify(OPENING_HOURS),
        new Date(now.getTime() + 900_000),
        now,
        uuidv7(),
        RAW_EVENT_TYPE,
        JSON.stringify(payload),
        SUBSCRIBERS,
      ],
    );
  };

  const loop = async (untilMs: number, latencies: number[] | undefined, failures: { n: number; samples: string[] }) => {
    const client = await connectPooled(pool);
    try {
      while (performance.now() < untilMs) {
        const t0 = performance.now();
        try {
          await transaction(client);
          latencies?.push(performance.now() - t0);
        } catch (error) {
          failures.n++;
          if (failures.samples.length < 5) failures.samples.push((error as Error).message);
        }
      }
    } finally {
      client.release();
    }
  };

  try {
    const warmFailures = { n: 0, samples: [] as string[] };
    if (phases.warmupS > 0) {
      const until = performance.now() + phases.warmupS * 1000;
      await Promise.all(Array.from({ length: phases.connections }, () => loop(until, undefined, warmFailures)));
    }
    await phases.beforeMeasure?.();
    const latencies: number[] = [];
    const failures = { n: 0, samples: [] as string[] };
    const started = performance.now();
    const until = started + phases.durationS * 1000;
    await Promise.all(Array.from({ length: phases.connections }, () => loop(until, latencies, failures)));
    const elapsedS = (performance.now() - started) / 1000;
    await phases.afterMeasure?.();
    latencies.sort((a, b) => a - b);
    return {
      rps: round(latencies.length / elapsedS, 1),
      p50Ms: round(percentile(latencies, 50), 2),
      p99Ms: round(percentile(latencies, 99), 2),
      errors: failures.n,
      requests: latencies.length,
      durationS: round(elapsedS, 2),
      ...(failures.samples.length ? { errorSamples: failures.samples } : {}),
    };
  } finally {
    await pool.end();
  }
}

/** pool.connect(), retrying while the server is out of connection slots. */
async function connectPooled(pool: pg.Pool, timeoutMs = 60_000): Promise<pg.PoolClient> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await pool.connect();
    } catch (error) {
      if (!/too many clients|remaining connection slots/.test((error as Error).message) || Date.now() > deadline) {
        throw error;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Removes what the raw scenario wrote (its bookings, events and deliveries), then VACUUM ANALYZE and CHECKPOINT. */
export async function removeRawRows(client: pg.Client): Promise<void> {
  {
    await client.query(`DELETE FROM outbox_events WHERE type = $1`, [RAW_EVENT_TYPE]);
    await client.query(`DELETE FROM bookings WHERE idempotency_key LIKE $1`, [`${RAW_KEY_PREFIX}%`]);
    await client.query('VACUUM ANALYZE bookings');
    await client.query('VACUUM ANALYZE outbox_events');
    await client.query('VACUUM ANALYZE outbox_deliveries');
    await flushToDisk(client);
  }
}
