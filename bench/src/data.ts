import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A small fetch wrapper: JSON in, JSON out, throws on an unexpected status. */
export async function api<T>(
  method: string,
  url: string,
  options: { token?: string; body?: unknown; expect?: number } = {},
): Promise<T> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  if (res.status !== (options.expect ?? 200)) throw new Error(`${method} ${url}: HTTP ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Runs fn over items, at most `concurrency` at once. */
export async function inParallel<T, R>(items: T[], concurrency: number, fn: (item: T, i: number) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i], i);
      }
    }),
  );
  return results;
}

// ------------------------------------------------------------------ time slots
export const DAY_MS = 86_400_000;
/** Workspaces are open 06:00-22:00 UTC every day; every booking of the bench lasts one hour. */
export const FIRST_HOUR = 6;
export const SLOTS_PER_DAY = 16;
export const OPENING_HOURS = [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '06:00', close: '22:00' }));

export function todayUtc(): number {
  const now = Date.now();
  return now - (now % DAY_MS);
}

/**
 * Hands out distinct one-hour slots, round-robin over the workspaces, from day `firstDay` (days
 * after today, UTC) on: request i gets workspace i % W, slot floor(i / W). Slots never overlap
 * one another, nor the seeded bookings (which end before firstDay).
 */
export class SlotAllocator {
  private i = 0;
  constructor(
    private readonly workspaceIds: string[],
    private readonly firstDay: number,
    private readonly today = todayUtc(),
  ) {}

  next(): { workspaceId: string; start: Date; end: Date } {
    const i = this.i++;
    const w = i % this.workspaceIds.length;
    const k = Math.floor(i / this.workspaceIds.length);
    const day = this.firstDay + Math.floor(k / SLOTS_PER_DAY);
    const start = this.today + day * DAY_MS + (FIRST_HOUR + (k % SLOTS_PER_DAY)) * 3_600_000;
    return { workspaceId: this.workspaceIds[w], start: new Date(start), end: new Date(start + 3_600_000) };
  }

  get handedOut(): number {
    return this.i;
  }
}

// ------------------------------------------------------------------ platform data through the APIs
export interface Workspace {
  id: string;
  name: string;
}

export interface Member {
  id: string;
  email: string;
  fullName: string;
  password: string;
  token: string;
}

export async function login(authUrl: string, email: string, password: string): Promise<string> {
  const session = await api<{ accessToken: string }>('POST', `${authUrl}/auth/login`, {
    body: { email, password },
  });
  return session.accessToken;
}

/** N workspaces, created by the admin through workspace-service (as an admin would). */
export async function createWorkspaces(workspaceUrl: string, adminToken: string, n: number): Promise<Workspace[]> {
  return inParallel(
    Array.from({ length: n }, (_, i) => i),
    4,
    async (i) => {
      const ws = await api<Workspace>('POST', `${workspaceUrl}/workspaces`, {
        token: adminToken,
        expect: 201,
        body: {
          name: `Bench room ${i + 1}`,
          description: 'A meeting room created by the benchmark',
          type: 'MEETING_ROOM',
          capacity: 10,
          hourlyRateCents: 2000,
          currency: 'EUR',
          timezone: 'UTC',
          openingHours: OPENING_HOURS,
        },
      });
      return { id: ws.id, name: ws.name };
    },
  );
}

/** M members registered through auth-service (which creates their profiles at user-service). */
export async function registerMembers(authUrl: string, m: number): Promise<Omit<Member, 'token'>[]> {
  const run = randomBytes(3).toString('hex');
  return inParallel(
    Array.from({ length: m }, (_, i) => i),
    4,
    async (i) => {
      const email = `member${i + 1}.${run}@bench.example`;
      const fullName = `Bench Member ${i + 1}`;
      const password = `bench passphrase ${run} ${i}`;
      const session = await api<{ user: { id: string } }>('POST', `${authUrl}/auth/register`, {
        expect: 201,
        body: { email, password, fullName },
      });
      return { id: session.user.id, email, fullName, password };
    },
  );
}

export async function loginMembers(authUrl: string, members: Omit<Member, 'token'>[]): Promise<Member[]> {
  return inParallel(members, 4, async (m) => ({ ...m, token: await login(authUrl, m.email, m.password) }));
}

// ------------------------------------------------------------------ bookings inserted with SQL

/**
 * A client of the bench's own, retrying while the server is out of connection slots (other work
 * on a shared PostgreSQL can take them for a while).
 */
export async function connectWithRetry(url: string, timeoutMs = 120_000): Promise<pg.Client> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      // a connection the server ends (say, an administrator's command) fails the next query, which
      // fails the run and its cleanup stops the services; unhandled, it would end the process at once
      client.on('error', (error) => console.error(`[bench] database connection lost: ${error.message}`));
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (!/too many clients|remaining connection slots/.test((error as Error).message) || Date.now() > deadline) {
        throw error;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
export interface SeedLayout {
  /** bookings per workspace in the future (from tomorrow on); the rest lie in the past */
  futurePerWorkspace: number;
  /** the first day (after today) on which the bench's own bookings may start */
  firstFreeDay: number;
}

/** 10 % of the seeded bookings lie ahead (an active calendar), 90 % are history. */
export function seedLayout(total: number, workspaces: number): SeedLayout {
  const perWorkspace = Math.ceil(total / workspaces);
  const futurePerWorkspace = Math.floor(perWorkspace * 0.1);
  return { futurePerWorkspace, firstFreeDay: 2 + Math.ceil(futurePerWorkspace / SLOTS_PER_DAY) };
}

/**
 * Empties booking-service's tables (bookings, outbox events and deliveries) and inserts `total`
 * bookings in one INSERT ... SELECT FROM generate_series, then ANALYZE. Per workspace they are
 * back-to-back one-hour slots 06:00-22:00 UTC (never overlapping, as the exclusion constraint
 * wants): the first 10 % from tomorrow on, the rest going back from yesterday. 95 % CONFIRMED,
 * every 20th CANCELLED.
 */
export async function seedBookings(
  client: pg.Client,
  total: number,
  workspaces: Workspace[],
  members: Omit<Member, 'token' | 'password'>[],
): Promise<SeedLayout & { seconds: number }> {
  const layout = seedLayout(total, workspaces.length);
  const started = Date.now();
  {
    await client.query('TRUNCATE bookings, outbox_deliveries, outbox_events');
    await client.query(
      `INSERT INTO bookings (id, user_id, workspace_id, start_time, end_time, attendees, status, price_cents, currency,
         created_by, idempotency_key, request_hash, user_email, user_full_name, workspace_name, workspace_timezone,
         workspace_opening_hours, payment_method, paid_cents, version, confirmed_at, cancelled_at, created_at, updated_at)
       SELECT gen_random_uuid(), ($2::uuid[])[mi], ($1::uuid[])[wi], s.t, s.t + interval '1 hour', 1 + g % 4,
         CASE WHEN g % 20 = 0 THEN 'CANCELLED'::"BookingStatus" ELSE 'CONFIRMED'::"BookingStatus" END,
         2000, 'EUR', ($2::uuid[])[mi], 'seed-' || g, md5(g::text) || md5((g + 1)::text),
         ($3::text[])[mi], ($4::text[])[mi], ($5::text[])[wi], 'UTC', $6::jsonb, 'pm_card_visa',
         CASE WHEN g % 20 = 0 THEN 0 ELSE 2000 END, 2,
         LEAST(s.t - interval '3 days', now()),
         CASE WHEN g % 20 = 0 THEN LEAST(s.t - interval '2 days', now()) END,
         LEAST(s.t - interval '3 days', now()), LEAST(s.t - interval '2 days', now())
       FROM generate_series(0, $7::int - 1) AS g
       CROSS JOIN LATERAL (SELECT g % $8::int + 1 AS wi, g % $9::int + 1 AS mi, g / $8::int AS k) AS ix
       CROSS JOIN LATERAL (SELECT CASE
           WHEN ix.k < $10::int
             THEN $11::timestamptz + (1 + ix.k / ${SLOTS_PER_DAY}) * interval '1 day' + (${FIRST_HOUR} + ix.k % ${SLOTS_PER_DAY}) * interval '1 hour'
           ELSE $11::timestamptz - (1 + (ix.k - $10::int) / ${SLOTS_PER_DAY}) * interval '1 day'
                + (${FIRST_HOUR} + (ix.k - $10::int) % ${SLOTS_PER_DAY}) * interval '1 hour'
         END AS t) AS s`,
      [
        workspaces.map((w) => w.id),
        members.map((m) => m.id),
        members.map((m) => m.email),
        members.map((m) => m.fullName),
        workspaces.map((w) => w.name),
        JSON.stringify(OPENING_HOURS),
        total,
        workspaces.length,
        members.length,
        layout.futurePerWorkspace,
        new Date(todayUtc()),
      ],
    );
    await client.query('VACUUM ANALYZE bookings');
    await client.query('VACUUM ANALYZE outbox_events');
    await client.query('VACUUM ANALYZE outbox_deliveries');
    await flushToDisk(client);
  }
  return { ...layout, seconds: (Date.now() - started) / 1000 };
}

/**
 * CHECKPOINT after a bulk load: otherwise the checkpointer writes the seed's gigabyte of dirty
 * pages out during the next measured window, and its tail latency measures the bench's own
 * setup rather than the booking path. Needs a superuser (or pg_checkpoint); without one it warns
 * and goes on.
 */
export async function flushToDisk(client: pg.Client): Promise<void> {
  try {
    await client.query('CHECKPOINT');
  } catch (error) {
    console.warn(`[bench] CHECKPOINT refused (${(error as Error).message}): windows after seeding may see its writes`);
  }
}

/**
 * Waits until booking-service's relay has delivered every event (no PENDING delivery left, the
 * raw scenario's parked rows aside). Returns how long that took and how many deliveries were
 * pending when it was called (the backlog the relay had not caught up with).
 */
export async function waitRelayDrained(
  client: pg.Client,
  timeoutMs = 300_000,
): Promise<{ ms: number; backlog: number }> {
  const started = Date.now();
  let backlog = -1;
  while (Date.now() - started < timeoutMs) {
    const { rows } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM outbox_deliveries WHERE status = 'PENDING' AND next_attempt_at < 'infinity'`,
    );
    const pending = Number(rows[0].n);
    if (backlog < 0) backlog = pending;
    if (pending === 0) return { ms: Date.now() - started, backlog };
    await new Promise((r) => setTimeout(r, 250));
  }
  return { ms: -1, backlog };
}
