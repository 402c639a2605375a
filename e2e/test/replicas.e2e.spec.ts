import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { all, api, sleep, type ApiResponse } from '../support/http.js';
import { LoadBalancer, type LoadBalancerStats } from '../support/load-balancer.js';
import { Platform } from '../support/platform.js';
import type { ServiceProcess } from '../support/service-process.js';

/*
 * Three booking-service replicas on one PostgreSQL database behind a real HAProxy; ~190 bookings
 * at concurrency 16 through it (most for slots of their own, some declined, some cancelled, and
 * groups of four members racing for overlapping times), and one replica SIGKILLed in the middle.
 * Clients behave as real ones: a transport failure, a 502/503/504/429 or a 409
 * IDEMPOTENT_REQUEST_IN_FLIGHT is retried with the same Idempotency-Key and body (each retry is
 * counted by reason in the summary line). Once the sweeper and the relay have settled, every
 * booking, charge, event, notification and report line must add up. Needs PostgreSQL (replicas
 * share one database) and HAProxy (installed by scripts/install-test-packages.sh when missing).
 */

const admin = { email: `admin-${randomUUID()}@example.com`, password: 'the first admin password' };
const log = (line: string) => process.stderr.write(`[replicas e2e] ${line}\n`);

const MEMBERS = 12;
/** bookings of slots no one else asks for, over two workspaces (EUR and USD) */
const DISTINCT = 150;
/** groups of CONTENDERS requests by different members for pairwise-overlapping times */
const GROUPS = 10;
const CONTENDERS = 4;
const CONCURRENCY = 16;
/** answers received before one replica is SIGKILLed */
const KILL_AFTER = 70;
/** tries per request by a client (same key, same body) */
const CLIENT_ATTEMPTS = 6;
const ACTIVE = ['PENDING', 'CONFIRMED'];
const RELEASED = ['PAYMENT_FAILED', 'EXPIRED', 'CANCELLED'];
const CHARGED = ['SUCCEEDED', 'REFUNDED', 'PARTIALLY_REFUNDED'];
const SUBSCRIBERS = ['notification-service', 'reporting-service'];

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** midnight UTC three days from now: every slot is more than 24 h ahead (cancelling refunds in full) */
const BASE = (() => {
  const d = new Date(Date.now() + 3 * DAY);
  d.setUTCHours(0, 0, 0, 0);
  return d.getTime();
})();
const range = (startMs: number, minutes: number) => ({
  startTime: new Date(startMs).toISOString(),
  endTime: new Date(startMs + minutes * 60_000).toISOString(),
});

interface Member {
  id: string;
  token: string;
}
interface Job {
  index: number;
  key: string;
  member: Member;
  body: { workspaceId: string; startTime: string; endTime: string; paymentMethod?: string };
  group?: number;
  declined?: boolean;
  cancel?: boolean;
}
interface Outcome {
  job: Job;
  status: number;
  bookingId?: string;
  attempts: number;
  /** what each attempt got (see call()) */
  history: string[];
  /** answered from an earlier attempt's booking (Idempotent-Replayed: true) */
  replayed: boolean;
  /** the problem code of an error answer */
  code?: string;
  /** the booking's status in the answer's body */
  bodyStatus?: string;
  /** answered only when the client came back after the load (it had given up) */
  late?: boolean;
  error?: string;
  cancelStatus?: number;
}

const countBy = <T>(items: T[], key: (t: T) => string) => {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
};

describe('booking-service: three replicas behind HAProxy, one SIGKILLed under load (real processes)', () => {
  let platform: Platform | undefined;
  let lb: LoadBalancer | undefined;
  let replicas: ServiceProcess[] = [];
  let adminToken: string;
  let skipReason: string | undefined;

  beforeAll(async () => {
    platform = await Platform.start(
      [
        'auth-service',
        'user-service',
        'workspace-service',
        'booking-service',
        'payment-service',
        'notification-service',
        'reporting-service',
      ],
      {
        admin,
        env: {
          'booking-service': {
            SWEEP_INTERVAL_MS: '500',
            BOOKING_HOLD_SECONDS: '8',
            RELAY_RETRY_BASE_MS: '200',
            RELAY_RETRY_MAX_MS: '2000',
            RELAY_LEASE_MS: '5000',
            DOWNSTREAM_TIMEOUT_MS: '1500',
            // admin-service is not part of this platform: the variables are the settings
            SETTINGS_REFRESH_MS: '0',
            // nine processes at the default pool of 10 come close to PostgreSQL's default
            // max_connections (100), shared with whatever else runs on that server: 3 x 8 here,
            // about 50 for the whole platform
            DATABASE_POOL_SIZE: '8',
          },
          // emails go to notification-service's embedded sink, on any free port
          'notification-service': { MAIL_SINK_PORT: '0', DATABASE_POOL_SIZE: '5' },
          'payment-service': { DATABASE_POOL_SIZE: '6' },
          'reporting-service': { DATABASE_POOL_SIZE: '5' },
          // the first admin exists only once user-service answered auth-service's bootstrap (it
          // backs off up to 8 s): the login polled until then must not lock the account (5
          // failures per 15 min by default)
          'auth-service': {
            DATABASE_POOL_SIZE: '3',
            LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000',
            LOGIN_MAX_FAILURES_PER_IP: '1000',
          },
          'user-service': { DATABASE_POOL_SIZE: '3' },
          'workspace-service': { DATABASE_POOL_SIZE: '3' },
        },
      },
    );
    if (!platform.onPostgres('booking-service')) {
      skipReason = 'booking-service runs on embedded PGlite here (no PostgreSQL): replicas cannot share it';
      return;
    }
    replicas = [
      platform.service('booking-service'),
      ...(await Promise.all([platform.replica('booking-service'), platform.replica('booking-service')])),
    ];
    lb = new LoadBalancer(
      'booking',
      replicas.map((r) => r.url),
    );
    await lb.start();
    // auth-service creates the first admin once user-service answers (see LOGIN_MAX_FAILURES_* above)
    const deadline = Date.now() + 45_000;
    let login: ApiResponse | undefined;
    while (!adminToken && Date.now() < deadline) {
      login = await api('POST', `${platform.url('auth-service')}/auth/login`, { body: admin });
      if (login.status === 200) adminToken = login.body.accessToken;
      else await sleep(250);
    }
    if (!adminToken)
      throw new Error(`the first admin could not log in within 45 s: ${login?.status} ${JSON.stringify(login?.body)}`);
  }, 120_000);

  afterAll(async () => {
    await lb?.stop();
    await platform?.stop();
  }, 60_000);

  it('books no slot twice, charges once, loses and duplicates no event, and the reports add up', async () => {
    if (skipReason || !platform || !lb) {
      log(`skipped: ${skipReason}`);
      return;
    }
    const started = Date.now();
    const auth = platform.url('auth-service');
    const payments = platform.url('payment-service');

    // --- members and workspaces ----------------------------------------------------------------
    const members: Member[] = await Promise.all(
      Array.from({ length: MEMBERS }, async (_, i) => {
        const res = await api('POST', `${auth}/auth/register`, {
          body: {
            email: `member-${i}-${randomUUID()}@example.com`,
            password: 'a long enough passphrase',
            fullName: `M ${i}`,
          },
        });
        expect(res.status).toBe(201);
        return { id: res.body.user.id as string, token: res.body.accessToken as string };
      }),
    );
    const workspace = async (name: string, currency: string, hourlyRateCents: number) => {
      const res = await api('POST', `${platform!.url('workspace-service')}/workspaces`, {
        token: adminToken,
        body: { name, type: 'DESK', capacity: 1, hourlyRateCents, currency, timezone: 'UTC' },
      });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const [euroDesk, dollarDesk, contested] = await Promise.all([
      workspace('Replica Desk EUR', 'EUR', 1200),
      workspace('Replica Desk USD', 'USD', 1500),
      workspace('Contested Room', 'EUR', 2000),
    ]);

    // --- the load: distinct slots, with contention groups spread through it ---------------------
    const jobs: Job[] = [];
    const add = (job: Omit<Job, 'index' | 'key'>) => jobs.push({ ...job, index: jobs.length, key: randomUUID() });
    for (let i = 0; i < DISTINCT; i++) {
      const slot = Math.floor(i / 2); // 75 one-hour slots per workspace, round the clock
      const declined = i % 25 === 7;
      add({
        member: members[i % MEMBERS],
        body: {
          workspaceId: i % 2 ? dollarDesk : euroDesk,
          ...range(BASE + slot * HOUR, 60),
          ...(declined ? { paymentMethod: 'pm_card_declined' } : {}),
        },
        declined,
        cancel: i % 20 === 3,
      });
      if (i % 15 === 14 && (i + 1) / 15 <= GROUPS) {
        const group = (i + 1) / 15 - 1;
        // one hour starting at :00, :15, :30, :45: every two of them overlap
        for (let c = 0; c < CONTENDERS; c++) {
          add({
            member: members[(group + c * 3) % MEMBERS],
            body: { workspaceId: contested, ...range(BASE + group * 2 * HOUR + c * 15 * 60_000, 60) },
            group,
          });
        }
      }
    }

    // where each replica's log stands: what it logs from here on is this load's
    const logOffsets = replicas.map((r) => statSync(r.logFile).size);
    let loadStarted = Date.now();
    let answered = 0;
    let clientRetries = 0;
    /** why clients retried: an answer, or a transport error */
    const retryReasons: Record<string, number> = {};
    /**
     * What a client retries, with the same key and body: 502/503/504 (the balancer, a dependency
     * or the database unavailable: 503 DEPENDENCY_UNAVAILABLE, DATABASE_BUSY), 429, and 409
     * IDEMPOTENT_REQUEST_IN_FLIGHT ("still being processed; retry shortly"). Every other answer is
     * final (409 BOOKING_CONFLICT included; a 500 fails the test). Each retry is counted by reason
     * and shows in the summary line.
     */
    const retryable = (res: ApiResponse) =>
      [429, 502, 503, 504].includes(res.status)
        ? `${res.status}${res.body?.code ? ` ${res.body.code}` : ''}`
        : res.status === 409 && res.body?.code === 'IDEMPOTENT_REQUEST_IN_FLIGHT'
          ? '409 IDEMPOTENT_REQUEST_IN_FLIGHT'
          : undefined;

    /** A request as a real client sends it: transport failures and retryable answers tried again (Retry-After honoured, at most 2 s). */
    async function call(method: string, path: string, token: string, options: { key?: string; body?: unknown }) {
      /** each attempt: answer, problem code, the replica that answered, the request id, when */
      const history: string[] = [];
      for (let attempt = 1; ; attempt++) {
        let wait = 150 * attempt;
        const at = Date.now() - loadStarted;
        try {
          const res = await api(method, `${lb!.url}${path}`, {
            token,
            body: options.body,
            headers: options.key ? { 'idempotency-key': options.key } : {},
          });
          history.push(
            `${res.status}${res.body?.code ? ` ${res.body.code}` : ''} from ${res.headers.get('x-served-by') ?? '?'} ` +
              `(request ${res.headers.get('x-request-id') ?? '?'}, +${at} ms)`,
          );
          const reason = retryable(res);
          if (!reason || attempt === CLIENT_ATTEMPTS) return { ...res, attempts: attempt, history };
          retryReasons[reason] = (retryReasons[reason] ?? 0) + 1;
          const retryAfter = Number(res.headers.get('retry-after'));
          if (retryAfter > 0) wait = Math.min(retryAfter * 1000, 2000);
        } catch (error) {
          const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
          const what = cause?.code ?? cause?.message ?? (error as Error).message;
          history.push(`${what} (+${at} ms)`);
          const reason = `${method} ${path.replace(/[0-9a-f-]{36}/, ':id')}: ${what}`;
          retryReasons[reason] = (retryReasons[reason] ?? 0) + 1;
          if (attempt === CLIENT_ATTEMPTS)
            return { status: 0, body: String(error), headers: new Headers(), attempts: attempt, history };
        }
        clientRetries++;
        await sleep(wait);
      }
    }

    async function book(job: Job, late = false): Promise<Outcome> {
      const res = await call('POST', '/bookings', job.member.token, { key: job.key, body: job.body });
      const outcome: Outcome = {
        job,
        status: res.status,
        attempts: res.attempts,
        history: res.history,
        replayed: res.headers.get('idempotent-replayed') === 'true',
        bookingId: res.body?.id ?? res.body?.bookingId,
        code: res.body?.code,
        bodyStatus: res.body?.status,
        late,
      };
      if (![201, 202, 402, 409].includes(res.status) || outcome.code === 'IDEMPOTENT_REQUEST_IN_FLIGHT')
        outcome.error = JSON.stringify(res.body).slice(0, 300);
      if (job.cancel && res.status === 201 && !late) {
        const cancelled = await call('POST', `/bookings/${outcome.bookingId}/cancel`, job.member.token, {});
        outcome.cancelStatus = cancelled.status;
      }
      return outcome;
    }

    loadStarted = Date.now();
    const outcomes: Outcome[] = [];
    let next = 0;
    const workers = Array.from({ length: CONCURRENCY }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++];
        outcomes.push(await book(job));
        answered++;
      }
    });
    const victimIndex = 1;
    const victim = replicas[victimIndex];
    let kill = { atMs: 0, afterAnswers: 0, inFlight: 0, onVictim: 0 };
    const killer = (async () => {
      while (answered < KILL_AFTER) await sleep(10);
      const onVictim = (await lb!.stats()).servers[victimIndex].sessions;
      kill = {
        atMs: Date.now() - loadStarted,
        afterAnswers: answered,
        inFlight: Math.min(next, jobs.length) - answered,
        onVictim,
      };
      await victim.kill();
    })();
    await Promise.all(workers);
    await killer;
    const loadMs = Date.now() - loadStarted;
    const lbAfterLoad: LoadBalancerStats = await lb.stats();
    const loggedErrors = replicas
      .flatMap((r, i) => readFileSync(r.logFile).subarray(logOffsets[i]).toString('utf8').split('\n'))
      .filter((line) => line.includes('"level":50'));
    const deadlocks = loggedErrors.filter((line) => line.includes('40P01')).length;

    // --- settle: the sweeper and the relay finish what the dead replica left -----------------
    const live = lb.url; // any live replica, through the balancer
    let bookings: any[] = [];
    let pays: any[] = [];
    let unsettled: string[] = [];
    /** Waits until no booking is PENDING, no event undelivered, no released booking holds money. */
    async function settle(withinMs: number): Promise<void> {
      const settledBy = Date.now() + withinMs;
      for (;;) {
        bookings = await all(`${live}/bookings`, adminToken);
        const pendingEvents = await api('GET', `${live}/internal/outbox?status=PENDING&limit=100`, {
          token: adminToken,
        });
        pays = await all(`${payments}/payments`, adminToken);
        const net = (id: string) =>
          pays
            .filter((p) => p.bookingId === id && CHARGED.includes(p.status))
            .reduce((sum, p) => sum + p.amountCents - p.refundedCents, 0);
        unsettled = [
          ...bookings.filter((b) => b.status === 'PENDING').map((b) => `booking ${b.id} PENDING`),
          ...(pendingEvents.status === 200
            ? (pendingEvents.body.items as any[]).map((e) => `event ${e.type} ${e.id} not delivered`)
            : [`GET /internal/outbox: ${pendingEvents.status}`]),
          ...bookings
            .filter((b) => RELEASED.includes(b.status) && net(b.id) !== 0)
            .map((b) => `booking ${b.id} ${b.status} holds ${net(b.id)}`),
        ];
        if (unsettled.length === 0 || Date.now() > settledBy) return;
        await sleep(500);
      }
    }
    await settle(45_000);
    // a client that gave up (no answer, 5xx, still in flight after its retries) comes back later
    // with the same key and body, and learns how its booking stands
    const gaveUp = outcomes.filter(
      (o) => o.status === 0 || o.status === 429 || o.status >= 500 || o.code === 'IDEMPOTENT_REQUEST_IN_FLIGHT',
    );
    const lateAnswers: string[] = [];
    for (const o of gaveUp) {
      const again = await book(o.job, true);
      lateAnswers.push(`job ${o.job.index}: ${o.history.join('; ')} -> later ${again.history.join('; ')}`);
      outcomes[outcomes.indexOf(o)] = { ...again, history: [...o.history, ...again.history] };
    }
    if (gaveUp.length) await settle(20_000);
    const settleMs = Date.now() - loadStarted - loadMs;

    // --- what the clients heard, and whether it is what happened --------------------------------
    const byId = new Map(bookings.map((b) => [b.id as string, b]));
    const answerProblems: string[] = [];
    for (const o of outcomes) {
      const allowed = o.job.group !== undefined ? [201, 202, 409] : o.job.declined ? [402, 202] : [201, 202];
      if (!allowed.includes(o.status) || o.error)
        answerProblems.push(`job ${o.job.index}: ${o.status} ${o.error ?? ''} [${o.history.join('; ')}]`);
      if (o.status === 409) continue;
      const final = o.bookingId ? byId.get(o.bookingId)?.status : undefined;
      // 201: as the answer said (a late replay of an expired hold says EXPIRED), cancelled since if so
      const expected =
        o.status === 201
          ? [o.cancelStatus === 200 ? 'CANCELLED' : o.bodyStatus]
          : o.status === 402
            ? ['PAYMENT_FAILED']
            : o.job.declined
              ? ['PAYMENT_FAILED', 'EXPIRED']
              : ['CONFIRMED', 'EXPIRED'];
      if (!final || !expected.includes(final))
        answerProblems.push(
          `job ${o.job.index}: answered ${o.status} ${o.bodyStatus ?? ''}, booking ${o.bookingId} is ${final ?? 'missing'} [${o.history.join('; ')}]`,
        );
    }
    const cancelAnswers = outcomes.filter((o) => o.cancelStatus !== undefined).map((o) => o.cancelStatus);

    // --- every booking made is one a client asked for, exactly once ---------------------------
    const answeredIds = outcomes.map((o) => o.bookingId).filter((id): id is string => !!id);
    const listedIds = new Set(bookings.map((b) => b.id as string));
    const phantoms = bookings.filter((b) => !answeredIds.includes(b.id)).map((b) => `${b.id} ${b.status}`);
    const lostBookings = answeredIds.filter((id) => !listedIds.has(id));

    // --- no double booking ------------------------------------------------------------------------
    let overlaps = 0;
    for (const ws of [euroDesk, dollarDesk, contested]) {
      const active = (await all(`${live}/bookings?workspaceId=${ws}`, adminToken))
        .filter((b) => ACTIVE.includes(b.status))
        .sort((a, b) => Date.parse(a.startTime) - Date.parse(b.startTime));
      for (let i = 1; i < active.length; i++) {
        if (Date.parse(active[i].startTime) < Date.parse(active[i - 1].endTime)) overlaps++;
      }
    }
    const contention: string[] = [];
    let oneWinner = 0;
    for (let g = 0; g < GROUPS; g++) {
      const group = outcomes.filter((o) => o.job.group === g);
      const won = group.filter((o) => o.status === 201 || o.status === 202);
      const refused = group.filter((o) => o.status === 409);
      const kept = bookings.filter((b) => group.some((o) => o.bookingId === b.id) && ACTIVE.includes(b.status));
      // the one kept is the winner's (a 202 winner may have expired since, leaving the slot free)
      const keptTheWinner =
        won.length === 1 &&
        kept.every((b) => b.id === won[0].bookingId) &&
        (won[0].status === 202 || kept.length === 1);
      if (won.length === 1 && refused.length === CONTENDERS - 1 && kept.length <= 1 && keptTheWinner) oneWinner++;
      else contention.push(`group ${g}: ${won.length} won, ${refused.length} refused, ${kept.length} kept`);
    }

    // --- money: one charge per confirmed booking, nothing kept for a released one ----------------
    const byStatus = countBy(bookings, (b) => b.status);
    const paymentsOf = new Map<string, any[]>();
    for (const p of pays) paymentsOf.set(p.bookingId, [...(paymentsOf.get(p.bookingId) ?? []), p]);
    const orphanPayments = pays.filter((p) => !listedIds.has(p.bookingId)).map((p) => `${p.id} for ${p.bookingId}`);
    const chargesPerConfirmed: Record<string, number> = {};
    const moneyProblems: string[] = [];
    for (const b of bookings) {
      const charges = (paymentsOf.get(b.id) ?? []).filter((p) => CHARGED.includes(p.status));
      const net = charges.reduce((s, p) => s + p.amountCents - p.refundedCents, 0);
      if (b.status === 'CONFIRMED') {
        chargesPerConfirmed[charges.length] = (chargesPerConfirmed[charges.length] ?? 0) + 1;
        if (charges.length !== 1 || net !== b.priceCents)
          moneyProblems.push(`${b.id} CONFIRMED: ${charges.length} charges, net ${net} of ${b.priceCents}`);
      } else if (RELEASED.includes(b.status)) {
        if (charges.length > 1 || net !== 0)
          moneyProblems.push(`${b.id} ${b.status}: ${charges.length} charges, net ${net}`);
      } else moneyProblems.push(`${b.id} left ${b.status}`);
    }

    // --- events: each booking's events written once and delivered to both subscribers ----------
    const events = await all(`${live}/internal/outbox`, adminToken);
    const eventsOf = new Map<string, any[]>();
    for (const e of events) eventsOf.set(e.aggregateId, [...(eventsOf.get(e.aggregateId) ?? []), e]);
    let delivered = 0;
    const eventProblems: string[] = [];
    let duplicated = 0;
    let missing = 0;
    const everConfirmed = new Set<string>();
    for (const b of bookings) {
      const own = (eventsOf.get(b.id) ?? []).sort((x, y) => x.sequence - y.sequence);
      const types = own.map((e) => e.type as string);
      for (const [type, n] of Object.entries(countBy(types, (t) => t))) {
        if (n > 1) {
          duplicated += n - 1;
          eventProblems.push(`${b.id}: ${type} x${n}`);
        }
      }
      const refunded = (paymentsOf.get(b.id) ?? []).some((p) => p.refundedCents > 0);
      const required = ['booking.created'];
      if (b.status === 'CONFIRMED') required.push('booking.confirmed');
      if (b.status === 'CANCELLED') required.push('booking.cancelled');
      if (b.status === 'PAYMENT_FAILED') required.push('payment.failed');
      if (b.status === 'EXPIRED') required.push('booking.expired');
      if (refunded) required.push('refund.issued');
      for (const type of required.filter((t) => !types.includes(t))) {
        missing++;
        eventProblems.push(`${b.id} ${b.status}: no ${type}`);
      }
      if (types.includes('booking.confirmed')) everConfirmed.add(b.id);
      const last = own.at(-1);
      if (last && last.payload.booking.status !== b.status)
        eventProblems.push(`${b.id}: last event says ${last.payload.booking.status}, booking is ${b.status}`);
      for (const e of own) {
        for (const s of SUBSCRIBERS) {
          const d = e.deliveries.filter((x: any) => x.subscriber === s);
          if (d.length === 1 && d[0].status === 'DELIVERED') delivered++;
          else {
            missing++;
            eventProblems.push(
              `${e.type} ${e.id} to ${s}: ${d.map((x: any) => `${x.status} (${x.lastError})`).join(', ') || 'no delivery'}`,
            );
          }
        }
      }
    }
    const strayEvents = events.filter((e) => !listedIds.has(e.aggregateId)).map((e) => `${e.type} ${e.aggregateId}`);

    // --- notification-service: one in-app "confirmed" per booking that was confirmed ------------
    const notifications = (
      await Promise.all(
        members.map((m) =>
          all(
            `${platform!.url('notification-service')}/notifications?userId=${m.id}&type=BOOKING_CONFIRMED&channel=IN_APP`,
            adminToken,
          ),
        ),
      )
    ).flat();
    const notificationsPerBooking = countBy(notifications, (n) => n.bookingId);
    const notificationProblems = [
      ...[...everConfirmed]
        .filter((id) => notificationsPerBooking[id] !== 1)
        .map((id) => `${id}: ${notificationsPerBooking[id] ?? 0}`),
      ...Object.keys(notificationsPerBooking)
        .filter((id) => !everConfirmed.has(id))
        .map((id) => `${id}: never confirmed`),
    ];

    // --- reporting-service counted the same bookings and the same money -------------------------
    const from = new Date(started - HOUR).toISOString();
    const to = new Date(BASE + 7 * DAY).toISOString();
    const summary = await api('GET', `${platform.url('reporting-service')}/reports/summary?from=${from}&to=${to}`, {
      token: adminToken,
    });
    const reported: Record<string, number> = Object.fromEntries(
      Object.entries((summary.body?.bookings ?? {}) as Record<string, number>).filter(([, n]) => n > 0),
    );
    const net: Record<string, number> = {};
    for (const p of pays.filter((x) => CHARGED.includes(x.status)))
      net[p.currency] = (net[p.currency] ?? 0) + p.amountCents - p.refundedCents;
    const reportedNet = Object.fromEntries(
      ((summary.body?.revenue ?? []) as any[]).map((r) => [r.currency, r.netCents]).filter(([, n]) => n !== 0),
    );

    // --- one line for the log, then the verdicts ------------------------------------------------
    const victimStats = lbAfterLoad.servers[victimIndex];
    log(
      [
        `requests ${outcomes.length} (${DISTINCT} distinct slots, ${GROUPS}x${CONTENDERS} contending) + ${cancelAnswers.length} cancels ` +
          `at concurrency ${CONCURRENCY} through HAProxy in ${loadMs} ms, ` +
          (unsettled.length
            ? `NOT settled after ${settleMs} ms (${unsettled.length}: ${unsettled.slice(0, 5).join(', ')})`
            : `settled ${settleMs} ms later`),
        `answers ${JSON.stringify(countBy(outcomes, (o) => String(o.status)))}, cancels ${JSON.stringify(countBy(cancelAnswers, String))}, ` +
          `answered only when the client came back after giving up ${lateAnswers.length}${lateAnswers.length ? ` (${lateAnswers.join(' | ')})` : ''}`,
        `client retries ${clientRetries} ${JSON.stringify(retryReasons)}, ` +
          `answers replayed from an earlier attempt ${outcomes.filter((o) => o.replayed).length}; ` +
          `booking-service errors logged ${loggedErrors.length} (PostgreSQL deadlocks 40P01: ${deadlocks})`,
        `haproxy retries ${lbAfterLoad.backend.retries} redispatches ${lbAfterLoad.backend.redispatches}; ` +
          `servers ${lbAfterLoad.servers.map((s) => `${s.name} ${s.status} ${s.responses} answers`).join(', ')}`,
        `killed ${victim.name} replica ${victimIndex + 1} (${victim.url}) at +${kill.atMs} ms after ${kill.afterAnswers} answers ` +
          `with ${kill.inFlight} requests in flight, ${kill.onVictim} of them on it ` +
          `(at the balancer: ${victimStats.connectionErrors} connection errors, ${victimStats.responseErrors} response errors)`,
        `final ${JSON.stringify(byStatus)}; answers that do not match the outcome ${answerProblems.length}; ` +
          `phantom bookings ${phantoms.length}, lost ${lostBookings.length}`,
        `overlaps ${overlaps}, contended slots with one winner ${oneWinner}/${GROUPS}`,
        `charges per confirmed booking ${JSON.stringify(chargesPerConfirmed)}, money problems ${moneyProblems.length}, orphan payments ${orphanPayments.length}`,
        `events ${events.length}: deliveries ${delivered} delivered, ${duplicated} duplicated, ${missing} missing; ` +
          `BOOKING_CONFIRMED in-app ${notifications.length} for ${everConfirmed.size} confirmed`,
        `report ${JSON.stringify(reported)} = source ${JSON.stringify(byStatus)}; ` +
          `net revenue ${JSON.stringify(reportedNet)} = payments ${JSON.stringify(net)}`,
      ].join('; '),
    );

    expect(victim.running).toBe(false);
    expect(unsettled).toEqual([]);
    expect(answerProblems).toEqual([]);
    expect(cancelAnswers.every((s) => s === 200)).toBe(true);
    expect(new Set(answeredIds).size).toBe(answeredIds.length);
    expect(phantoms).toEqual([]);
    expect(lostBookings).toEqual([]);
    expect(overlaps).toBe(0);
    expect(contention).toEqual([]);
    expect(byStatus.PENDING ?? 0).toBe(0);
    expect(orphanPayments).toEqual([]);
    expect(moneyProblems).toEqual([]);
    expect(strayEvents).toEqual([]);
    expect(eventProblems).toEqual([]);
    expect([duplicated, missing]).toEqual([0, 0]);
    expect(notificationProblems).toEqual([]);
    expect(summary.status).toBe(200);
    expect(reported).toEqual(byStatus);
    expect(summary.body.deletedBookings).toBe(0);
    expect(reportedNet).toEqual(Object.fromEntries(Object.entries(net).filter(([, n]) => n !== 0)));
    // usually 10-30 s; the bound leaves room for the settling waits (45 s, then 20 s) on a loaded machine
  }, 110_000);
});
