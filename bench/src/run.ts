import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type autocannon from 'autocannon';
import type pg from 'pg';
import { CpuSampler, cpuMsPerRequest, DbStatsSampler, OWN_TOTAL, perRequest, WindowWrites } from './cpu.js';
import {
  connectWithRetry,
  createWorkspaces,
  DAY_MS,
  login,
  loginMembers,
  Member,
  registerMembers,
  seedBookings,
  SlotAllocator,
  todayUtc,
  waitRelayDrained,
  Workspace,
} from './data.js';
import { explainBookingStatements, ExplainResult } from './explain.js';
import { measureHttp, Measurement, measureRawDb, Phases, removeRawRows } from './load.js';
import { BenchPlatform, ServiceName } from './platform.js';
import { BENCH_ROOT } from './process.js';
import { InspectorProfiler, ProfileSummary, summarizeProfile } from './profiler.js';
import {
  BenchResults,
  computeTargets,
  formatTable,
  label,
  renderSvg,
  ScalingPoint,
  ScenarioName,
  ScenarioResult,
} from './report.js';
import { SmtpSink } from './smtp-sink.js';

// ------------------------------------------------------------------ settings (environment)
const num = (name: string, fallback: number) => {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, not "${v}"`);
  return n;
};

const settings = {
  serverUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  durationS: num('BENCH_DURATION', 15),
  warmupS: num('BENCH_WARMUP', 5),
  connections: num('BENCH_CONNECTIONS', 32),
  workspaces: num('BENCH_WORKSPACES', 50),
  members: num('BENCH_MEMBERS', 200),
  existingBookings: num('BENCH_BOOKINGS', 100_000),
  scaling: (process.env.BENCH_SCALING ?? '1000,100000,1000000')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s && s !== 'none')
    .map(Number),
  providerLatencyMs: num('BENCH_PROVIDER_LATENCY_MS', 0),
  profile: process.env.BENCH_PROFILE === '1',
  profileServices: (
    process.env.BENCH_PROFILE_SERVICES ?? 'booking-service,workspace-service,user-service,payment-service'
  ).split(',') as ServiceName[],
  explain: process.env.BENCH_EXPLAIN !== '0',
  single: process.env.BENCH_SINGLE !== '0',
  resultsDir: process.env.BENCH_RESULTS_DIR ?? join(BENCH_ROOT, 'results'),
};
const normalizedServerUrl = (() => {
  const u = new URL(settings.serverUrl);
  if (u.pathname === '' || u.pathname === '/') u.pathname = '/postgres';
  return u.toString();
})();

const log = (msg: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);

// ------------------------------------------------------------------ the run
let platform: BenchPlatform | undefined;
let sink: SmtpSink | undefined;
const profilers = new Map<ServiceName, InspectorProfiler>();
let cleaning: Promise<void> | undefined;
let interrupted = false;
let closeBookingDb: (() => Promise<void>) | undefined;
/** held for the whole run: a second bench on the same server would drop this one's bench_* databases */
let runLock: pg.Client | undefined;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const p of profilers.values()) p.close();
    await closeBookingDb?.().catch(() => undefined);
    if (platform) {
      log('stopping processes and dropping the bench_* databases');
      await platform.stop();
    }
    await sink?.close();
    await runLock?.end().catch(() => undefined);
  })();
  return cleaning;
}

// an error nobody awaited (a lost database connection, say) still stops the services it started
process.once('uncaughtException', (error) => {
  console.error(`[bench] failed: ${error.stack ?? String(error)}`);
  void cleanup().finally(() => process.exit(1));
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n[bench] ${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  const startedAt = new Date();
  runLock = await connectWithRetry(normalizedServerUrl);
  const [{ locked }] = (
    await runLock.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(hashtext('cowork-bench')) AS locked`)
  ).rows;
  if (!locked) {
    await runLock.end();
    runLock = undefined;
    throw new Error(
      'another benchmark is running against this PostgreSQL server (it uses the same bench_* databases); wait for it to finish',
    );
  }
  const server = await connectWithRetry(normalizedServerUrl);
  const postgresVersion = (await server.query<{ version: string }>('SELECT version()')).rows[0].version;
  const slotsFree = (
    await server.query<{ free: number }>(
      `SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int
         - (SELECT count(*) FROM pg_stat_activity)::int AS free`,
    )
  ).rows[0].free;
  await server.end();
  const needed = 8 * 10 + settings.connections + 5;
  if (slotsFree < needed) {
    log(
      `warning: PostgreSQL has ${slotsFree} free connection slots; the services' pools (8 x 10) and the rawDb ` +
        `pool (${settings.connections}) may need up to ${needed}: other work on this server competes for them`,
    );
  }
  const loadAvgAtStart = loadavg().map((l) => Math.round(l * 100) / 100);
  log(`PostgreSQL: ${postgresVersion.split(' on ')[0]}; load average ${loadAvgAtStart.join(' ')}`);

  sink = await SmtpSink.start();
  const admin = { email: 'bench-admin@bench.example', password: randomBytes(18).toString('base64url') };
  platform = new BenchPlatform({
    serverUrl: normalizedServerUrl,
    admin,
    smtpPort: sink.port,
    providerLatencyMs: settings.providerLatencyMs,
    inspect: settings.profile ? settings.profileServices : [],
  });
  log('creating databases bench_* and starting 8 services + the bare Nest app (NODE_ENV=production)');
  await platform.boot();
  const p = platform;
  const bookingDbUrl = p.dbUrl('booking-service');
  // one connection of the bench's own to bench_booking, for seeding, draining and EXPLAIN
  const bookingDb = await connectWithRetry(bookingDbUrl);
  closeBookingDb = () => bookingDb.end();

  log(`creating ${settings.workspaces} workspaces and ${settings.members} members through the APIs`);
  // auth-service creates the first admin in the background at start-up (retrying until user-service answers)
  let adminToken = '';
  for (let attempt = 1; !adminToken; attempt++) {
    try {
      adminToken = await login(p.url('auth-service'), admin.email, admin.password);
    } catch (error) {
      if (attempt >= 60) throw error;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  const workspaces: Workspace[] = await createWorkspaces(p.url('workspace-service'), adminToken, settings.workspaces);
  const registered = await registerMembers(p.url('auth-service'), settings.members);
  let members: Member[] = await loginMembers(p.url('auth-service'), registered);
  let tokensAt = Date.now();
  const freshTokens = async () => {
    // tokens live 3600 s (ACCESS_TOKEN_TTL_SECONDS); log in again well before that
    if (Date.now() - tokensAt > 30 * 60_000) {
      members = await loginMembers(p.url('auth-service'), registered);
      tokensAt = Date.now();
    }
    return members;
  };

  const sampler = new CpuSampler(() => p.pids());
  if (settings.profile) {
    for (const name of settings.profileServices) {
      profilers.set(name, await InspectorProfiler.attach(p.service(name).inspectPort!));
    }
  }
  const profiles: Record<string, Record<string, ProfileSummary>> = {};
  mkdirSync(settings.resultsDir, { recursive: true });
  const profileDir = join(settings.resultsDir, 'profiles');

  const dbSampler = new DbStatsSampler(bookingDb);
  type MeasuredPhases = Phases & { cpu?: ScenarioResult['cpu']; writes?: WindowWrites };
  /** warm-up + window, with CPU and database accounting (and CPU profiles when BENCH_PROFILE=1) around the window */
  const phases = (scenario: string, profile = false): MeasuredPhases => {
    const ph: MeasuredPhases = {
      warmupS: settings.warmupS,
      durationS: settings.durationS,
      connections: settings.connections,
      beforeMeasure: async () => {
        if (profile) for (const pr of profilers.values()) await pr.start();
        await dbSampler.begin();
        sampler.begin();
      },
      afterMeasure: async () => {
        ph.cpu = sampler.end();
        ph.writes = await dbSampler.end();
        if (profile && profilers.size) {
          mkdirSync(profileDir, { recursive: true });
          profiles[scenario] = {};
          for (const [name, pr] of profilers) {
            const prof = await pr.stop();
            writeFileSync(join(profileDir, `${scenario}-${name}.cpuprofile`), JSON.stringify(prof));
            profiles[scenario][name] = summarizeProfile(prof);
          }
        }
      },
    };
    return ph;
  };
  /** a measurement with its CPU (cores, and ms per request by process) and database work per request */
  const withCost = (m: Measurement, ph: MeasuredPhases): ScenarioResult => ({
    ...m,
    cpu: ph.cpu,
    cpuMsPerRequest: ph.cpu ? cpuMsPerRequest(ph.cpu, m.rps) : undefined,
    db: ph.writes ? perRequest(ph.writes.totals, m.requests) : undefined,
    walBytesPerRequest: ph.writes ? Math.round(ph.writes.walBytes / Math.max(1, m.requests)) : undefined,
  });

  const bookingRequests = (slots: SlotAllocator, ms: Member[]): autocannon.Request[] => {
    let i = 0;
    return [
      {
        method: 'POST',
        path: '/bookings',
        setupRequest: (req: autocannon.Request): autocannon.Request => {
          const slot = slots.next();
          const m = ms[i++ % ms.length];
          return {
            ...req,
            method: 'POST',
            path: '/bookings',
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${m.token}`,
              'idempotency-key': randomUUID(),
            },
            body: JSON.stringify({
              workspaceId: slot.workspaceId,
              startTime: slot.start.toISOString(),
              endTime: slot.end.toISOString(),
            }),
          };
        },
      },
    ];
  };
  const availabilityWindow = () => {
    const from = new Date(todayUtc() + DAY_MS);
    return { from: from.toISOString(), to: new Date(from.getTime() + 7 * DAY_MS).toISOString() };
  };
  const availabilityRequests = () => {
    const { from, to } = availabilityWindow();
    return [{ method: 'GET' as const, path: `/availability?workspaceId=${workspaces[0].id}&from=${from}&to=${to}` }];
  };

  // ---------------------------------------------------------------- the five scenarios, side by side
  log(`seeding ${label(settings.existingBookings)} existing bookings into bench_booking`);
  const mainSeed = await seedBookings(bookingDb, settings.existingBookings, workspaces, registered);
  log(`  seeded in ${mainSeed.seconds.toFixed(1)} s`);
  let slots = new SlotAllocator(
    workspaces.map((w) => w.id),
    mainSeed.firstFreeDay,
  );
  const results: Partial<Record<ScenarioName, ScenarioResult>> = {};
  const span = `${settings.warmupS} s warm-up + ${settings.durationS} s, ${settings.connections} connections`;

  log(`rawDb: booking + outbox event + 2 deliveries per transaction, pg Pool of ${settings.connections} (${span})`);
  {
    const ph = phases('rawDb');
    const m = await measureRawDb(bookingDbUrl, { workspaces, members: registered, slots }, ph);
    results.rawDb = withCost(m, ph);
    await removeRawRows(bookingDb);
  }
  log(`bookingCreate: POST /bookings end to end (${span})`);
  let drainAfterCreate: { ms: number; backlog: number };
  {
    const ph = phases('bookingCreate', true);
    const m = await measureHttp(p.url('booking-service'), bookingRequests(slots, await freshTokens()), 201, ph);
    results.bookingCreate = withCost(m, ph);
    drainAfterCreate = await waitRelayDrained(bookingDb);
    log(
      `  relay: ${drainAfterCreate.backlog} deliveries pending at the end, all delivered ${drainAfterCreate.ms} ms later`,
    );
  }
  let bookingCreateSingle: ScenarioResult | undefined;
  if (settings.single) {
    log(`bookingCreateSingle: the same with 1 connection (no queueing: the latency floor)`);
    const ph = { ...phases('bookingCreateSingle'), connections: 1 };
    const m = await measureHttp(p.url('booking-service'), bookingRequests(slots, await freshTokens()), 201, ph);
    bookingCreateSingle = withCost(m, ph);
    await waitRelayDrained(bookingDb);
  }
  log(`bareNest: GET /bare/workspace on the kit-built app without a database (${span})`);
  {
    const ph = phases('bareNest');
    const m = await measureHttp(p.bare!.url, [{ method: 'GET', path: '/bare/workspace' }], 200, ph);
    results.bareNest = withCost(m, ph);
  }
  log(`catalogueRead: GET /workspaces and GET /workspaces/:id alternating (${span})`);
  {
    let j = 0;
    const ph = phases('catalogueRead', true);
    const m = await measureHttp(
      p.url('workspace-service'),
      [
        { method: 'GET', path: '/workspaces' },
        {
          method: 'GET',
          setupRequest: (req: autocannon.Request): autocannon.Request => ({
            ...req,
            path: `/workspaces/${workspaces[j++ % workspaces.length].id}`,
          }),
        },
      ],
      200,
      ph,
    );
    results.catalogueRead = withCost(m, ph);
  }
  log(`availability: GET /availability for one workspace over a week (${span})`);
  {
    const ph = phases('availability', true);
    const m = await measureHttp(p.url('booking-service'), availabilityRequests(), 200, ph);
    results.availability = withCost(m, ph);
  }

  // ---------------------------------------------------------------- scaling
  const scaling: ScalingPoint[] = [];
  let explain: ExplainResult | undefined;
  for (const [idx, size] of settings.scaling.entries()) {
    await waitRelayDrained(bookingDb);
    log(`scaling: TRUNCATE + seed ${label(size)} bookings`);
    const seed = await seedBookings(bookingDb, size, workspaces, registered);
    log(`  seeded in ${seed.seconds.toFixed(1)} s`);
    slots = new SlotAllocator(
      workspaces.map((w) => w.id),
      seed.firstFreeDay,
    );
    if (settings.explain && idx === settings.scaling.length - 1) {
      log(`  EXPLAIN ANALYZE of the booking statements at ${label(size)}`);
      explain = await explainBookingStatements(bookingDb, size, {
        workspaceId: workspaces[0].id,
        member: registered[0],
        slots,
      });
    }
    log(`  bookingCreate at ${label(size)} (${span})`);
    const bph = phases(`bookingCreate-${size}`);
    const m = withCost(
      await measureHttp(p.url('booking-service'), bookingRequests(slots, await freshTokens()), 201, bph),
      bph,
    );
    const drain = await waitRelayDrained(bookingDb);
    log(`  relay: ${drain.backlog} deliveries pending at the end, all delivered ${drain.ms} ms later`);
    log(`  availability at ${label(size)}`);
    const aph = phases(`availability-${size}`);
    const a = withCost(await measureHttp(p.url('booking-service'), availabilityRequests(), 200, aph), aph);
    scaling.push({
      existingBookings: size,
      rps: m.rps,
      p50Ms: m.p50Ms,
      p99Ms: m.p99Ms,
      errors: m.errors,
      availabilityRps: a.rps,
      availabilityP99Ms: a.p99Ms,
      seedSeconds: Math.round(seed.seconds * 10) / 10,
      relayDrainMs: drain.ms,
      relayBacklog: drain.backlog,
      ownCpuMsPerRequest: m.cpuMsPerRequest?.[OWN_TOTAL],
      walBytesPerRequest: m.walBytesPerRequest,
      availabilityOwnCpuMsPerRequest: a.cpuMsPerRequest?.[OWN_TOTAL],
      otherLoadCores: bph.cpu?.['everything else on the machine'],
    });
    if (m.errors || a.errors) log(`  errors: ${JSON.stringify(m.errorSamples ?? a.errorSamples)}`);
  }

  // ---------------------------------------------------------------- results
  const base = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    settings: {
      durationS: settings.durationS,
      warmupS: settings.warmupS,
      connections: settings.connections,
      workspaces: settings.workspaces,
      members: settings.members,
      existingBookings: settings.existingBookings,
      scaling: settings.scaling,
      providerLatencyMs: settings.providerLatencyMs,
      bookingCreateSingle: settings.single,
      profiled: settings.profile ? settings.profileServices : [],
      nodeEnv: 'production',
      logLevel: 'warn',
      databasePoolSize: 10,
    },
    machine: {
      cores: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryMb: Math.round(totalmem() / 1024 / 1024),
      node: process.version,
      postgres: postgresVersion,
      loadAvgAtStart,
    },
    rawDb: results.rawDb!,
    bookingCreate: results.bookingCreate!,
    bareNest: results.bareNest!,
    catalogueRead: results.catalogueRead!,
    availability: results.availability!,
    scaling,
    ...(bookingCreateSingle ? { bookingCreateSingle } : {}),
    relay: {
      backlogAfterBookingCreate: drainAfterCreate.backlog,
      drainMsAfterBookingCreate: drainAfterCreate.ms,
      emailsReceivedBySink: sink.received,
    },
    ...(explain
      ? {
          explain: {
            existingBookings: explain.existingBookings,
            statements: explain.statements.map((s) => ({
              name: s.name,
              medianMs: s.medianMs,
              p99Ms: s.p99Ms,
              executionMs: Number(/Execution Time: ([\d.]+) ms/.exec(s.plan)?.[1] ?? NaN),
            })),
          },
        }
      : {}),
    ...(Object.keys(profiles).length ? { profiles } : {}),
  };
  const full: BenchResults = { ...base, ...computeTargets(base) };

  console.log(`\n${formatTable(full)}\n`);
  const json = `${JSON.stringify(full, null, 2)}\n`;
  const stamp = full.startedAt.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
  writeFileSync(join(settings.resultsDir, 'latest.json'), json);
  writeFileSync(join(settings.resultsDir, `${stamp}.json`), json);
  writeFileSync(join(settings.resultsDir, 'latest.svg'), renderSvg(full));
  if (explain) {
    writeFileSync(
      join(settings.resultsDir, 'explain-latest.txt'),
      explain.statements
        .map(
          (s) =>
            `### ${s.name}\n(client-side round trip: median ${s.medianMs} ms, p99 ${s.p99Ms} ms; the plan's own execution time below)\n${s.plan}\n`,
        )
        .join('\n'),
    );
  }
  log(
    `wrote ${join(settings.resultsDir, 'latest.json')}, ${stamp}.json, latest.svg${explain ? ', explain-latest.txt' : ''}`,
  );
}

main()
  .then(
    () => cleanup(),
    async (error) => {
      if (interrupted) return;
      console.error(`[bench] failed: ${(error as Error)?.stack ?? String(error)}`);
      await cleanup();
      process.exitCode = 1;
    },
  )
  .finally(() => process.exit());
