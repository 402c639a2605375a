import { OWN_TOTAL, type CpuBreakdown, type DbBreakdown } from './cpu.js';
import type { ExplainResult } from './explain.js';
import type { Measurement } from './load.js';
import type { ProfileSummary } from './profiler.js';

export type ScenarioName = 'rawDb' | 'bookingCreate' | 'bareNest' | 'catalogueRead' | 'availability';
export const SCENARIOS: ScenarioName[] = ['rawDb', 'bookingCreate', 'bareNest', 'catalogueRead', 'availability'];

export type ScenarioResult = Measurement & {
  /** busy cores by process group during the window */
  cpu?: CpuBreakdown;
  /** CPU ms per request by process group */
  cpuMsPerRequest?: Record<string, number>;
  /** committed transactions and rows written per request, by database */
  db?: DbBreakdown;
  /** WAL bytes the server wrote per request during the window (full-page images included) */
  walBytesPerRequest?: number;
};

export interface ScalingPoint {
  existingBookings: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  availabilityRps?: number;
  availabilityP99Ms?: number;
  seedSeconds: number;
  relayDrainMs: number;
  relayBacklog: number;
  /** CPU ms per booking of the bench's own processes (what the booking costs, whatever else runs) */
  ownCpuMsPerRequest?: number;
  /** WAL bytes per booking (what each write costs the log, full-page images after a checkpoint included) */
  walBytesPerRequest?: number;
  availabilityOwnCpuMsPerRequest?: number;
  /** cores used by other work on the machine during the booking window (disturbance) */
  otherLoadCores?: number;
}

export interface Target {
  name: string;
  target: string;
  value: string;
  met: boolean;
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  settings: Record<string, unknown>;
  machine: {
    cores: number;
    cpuModel: string;
    memoryMb: number;
    node: string;
    postgres: string;
    loadAvgAtStart: number[];
  };
  rawDb: ScenarioResult;
  bookingCreate: ScenarioResult;
  bareNest: ScenarioResult;
  catalogueRead: ScenarioResult;
  availability: ScenarioResult;
  ratios: {
    bookingVsRawDb: number;
    catalogueVsBareNest: number;
    /**
     * The same ratios from CPU per request of the bench's own processes (1 / own CPU ms): what they
     * would be on this machine with nothing else running; less sensitive to other load on a shared
     * machine than the rps ratios, which remain the official ones.
     */
    byCpu?: { bookingVsRawDb: number; catalogueVsBareNest: number };
  };
  targets: Target[];
  scaling: ScalingPoint[];
  /** POST /bookings with 1 connection: the latency without queueing */
  bookingCreateSingle?: ScenarioResult;
  relay?: { backlogAfterBookingCreate: number; drainMsAfterBookingCreate: number; emailsReceivedBySink: number };
  explain?: Omit<ExplainResult, 'statements'> & {
    statements: { name: string; medianMs: number; p99Ms: number; executionMs?: number }[];
  };
  profiles?: Record<string, Record<string, ProfileSummary>>;
}

const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;

export function computeTargets(r: Omit<BenchResults, 'targets' | 'ratios'>): {
  ratios: BenchResults['ratios'];
  targets: Target[];
} {
  const own = (m: ScenarioResult) => m.cpuMsPerRequest?.[OWN_TOTAL];
  const byCpu = (a: ScenarioResult, b: ScenarioResult) => {
    const ca = own(a);
    const cb = own(b);
    return ca && cb ? round(cb / ca) : undefined;
  };
  const bookingByCpu = byCpu(r.bookingCreate, r.rawDb);
  const catalogueByCpu = byCpu(r.catalogueRead, r.bareNest);
  const ratios: BenchResults['ratios'] = {
    bookingVsRawDb: round(r.bookingCreate.rps / r.rawDb.rps),
    catalogueVsBareNest: round(r.catalogueRead.rps / r.bareNest.rps),
    ...(bookingByCpu !== undefined && catalogueByCpu !== undefined
      ? { byCpu: { bookingVsRawDb: bookingByCpu, catalogueVsBareNest: catalogueByCpu } }
      : {}),
  };
  const allErrors =
    SCENARIOS.reduce((sum, s) => sum + r[s].errors, 0) + r.scaling.reduce((sum, p) => sum + p.errors, 0);
  const targets: Target[] = [
    {
      name: 'bookingVsRawDb',
      target: '>= 10%',
      value: `${(ratios.bookingVsRawDb * 100).toFixed(1)}%`,
      met: ratios.bookingVsRawDb >= 0.1,
    },
    {
      name: 'catalogueVsBareNest',
      target: '>= 25%',
      value: `${(ratios.catalogueVsBareNest * 100).toFixed(1)}%`,
      met: ratios.catalogueVsBareNest >= 0.25,
    },
    {
      name: 'bookingCreate p99',
      target: '< 50 ms',
      value: `${r.bookingCreate.p99Ms} ms`,
      met: r.bookingCreate.p99Ms < 50,
    },
    { name: 'errors (every run)', target: '0', value: String(allErrors), met: allErrors === 0 },
  ];
  if (r.scaling.length >= 2) {
    const small = r.scaling[0];
    const large = r.scaling[r.scaling.length - 1];
    const factor = large.p99Ms / small.p99Ms;
    targets.push({
      name: `bookingCreate p99 at ${label(large.existingBookings)} vs ${label(small.existingBookings)}`,
      target: '<= 1.5x',
      value: `${factor.toFixed(2)}x (${large.p99Ms} / ${small.p99Ms} ms)`,
      met: factor <= 1.5,
    });
  }
  return { ratios, targets };
}

export function label(n: number): string {
  if (n >= 1_000_000) return `${n / 1_000_000}M`;
  if (n >= 1000) return `${n / 1000}k`;
  return String(n);
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

export function formatTable(r: BenchResults): string {
  const lines: string[] = [];
  const head = `${pad('scenario', 16)}${pad('rps', 10, true)}${pad('p50 ms', 10, true)}${pad('p99 ms', 10, true)}${pad('errors', 9, true)}   busiest processes (cores)`;
  lines.push(head, '-'.repeat(head.length + 30));
  for (const s of SCENARIOS) {
    const m = r[s];
    const cpu = m.cpu
      ? Object.entries(m.cpu)
          .filter(([k]) => !k.startsWith('machine total'))
          .sort((a, b) => b[1] - a[1])
          .slice(0, 4)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')
      : '';
    lines.push(
      `${pad(s, 16)}${pad(m.rps.toFixed(1), 10, true)}${pad(m.p50Ms.toFixed(2), 10, true)}${pad(m.p99Ms.toFixed(2), 10, true)}${pad(String(m.errors), 9, true)}   ${cpu}`,
    );
  }
  if (r.bookingCreateSingle) {
    const m = r.bookingCreateSingle;
    lines.push(
      `${pad('(1 connection)', 16)}${pad(m.rps.toFixed(1), 10, true)}${pad(m.p50Ms.toFixed(2), 10, true)}${pad(m.p99Ms.toFixed(2), 10, true)}${pad(String(m.errors), 9, true)}   bookingCreate without queueing: its latency floor`,
    );
  }
  if (r.relay) {
    lines.push(
      `relay after bookingCreate: ${r.relay.backlogAfterBookingCreate} deliveries still pending when the window closed, ` +
        `delivered ${r.relay.drainMsAfterBookingCreate} ms later; ${r.relay.emailsReceivedBySink} emails reached the SMTP sink`,
    );
  }
  lines.push('');
  lines.push(
    `ratios: bookingVsRawDb = ${r.ratios.bookingVsRawDb} (${(r.ratios.bookingVsRawDb * 100).toFixed(1)}%), ` +
      `catalogueVsBareNest = ${r.ratios.catalogueVsBareNest} (${(r.ratios.catalogueVsBareNest * 100).toFixed(1)}%)`,
  );
  if (r.ratios.byCpu) {
    lines.push(
      `        by CPU per request (as on a quiet machine): bookingVsRawDb ${(r.ratios.byCpu.bookingVsRawDb * 100).toFixed(1)}%, ` +
        `catalogueVsBareNest ${(r.ratios.byCpu.catalogueVsBareNest * 100).toFixed(1)}%`,
    );
  }
  lines.push('');
  lines.push('targets:');
  for (const t of r.targets) {
    lines.push(`  ${pad(t.name, 44)} ${pad(t.target, 9)} ${pad(t.value, 28)} ${t.met ? 'met' : 'NOT met'}`);
  }
  lines.push('');
  lines.push("where the CPU goes: CPU ms per request by process; own = the bench's processes (services, PostgreSQL,");
  lines.push('load generator), machine = all busy cores / rps; and committed transactions per request by database:');
  const costRows: [string, ScenarioResult][] = [
    ...SCENARIOS.map((s): [string, ScenarioResult] => [s, r[s]]),
    ...(r.bookingCreateSingle ? [['bookingCreate@1', r.bookingCreateSingle] as [string, ScenarioResult]] : []),
  ];
  for (const [s, m] of costRows) {
    const c = m.cpuMsPerRequest;
    if (!c) continue;
    const { ['machine total (busy cores)']: total, [OWN_TOTAL]: ownTotal, ...rest } = c;
    const parts = Object.entries(rest)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 9)
      .map(([k, v]) => `${k.replace(/ \(bench process\)/, '').replace(/^postgres /, 'pg:')} ${v}`);
    lines.push(`  ${pad(s, 14)} own ${ownTotal ?? '-'} ms (machine ${total ?? '-'}): ${parts.join(', ')}`);
    const db = m.db;
    if (db && Object.keys(db).length) {
      lines.push(
        `  ${pad('', 14)} xacts/request: ${Object.entries(db)
          .sort((a, b) => b[1].xactsPerRequest - a[1].xactsPerRequest)
          .map(([k, v]) => `${k} ${v.xactsPerRequest}`)
          .join(', ')}${m.walBytesPerRequest !== undefined ? `; WAL ${m.walBytesPerRequest} bytes/request` : ''}`,
      );
    }
  }
  if (r.scaling.length) {
    lines.push('');
    lines.push('bookingCreate by existing bookings (tables truncated and re-seeded before each):');
    lines.push(
      `  ${pad('existing', 10)}${pad('rps', 9, true)}${pad('p50 ms', 9, true)}${pad('p99 ms', 9, true)}${pad('errors', 8, true)}${pad('avail rps', 11, true)}${pad('avail p99', 11, true)}${pad('seed s', 9, true)}${pad('relay backlog', 15, true)}${pad('drain ms', 10, true)}${pad('own CPU ms', 12, true)}${pad('WAL B/req', 11, true)}${pad('other load', 12, true)}`,
    );
    for (const p of r.scaling) {
      lines.push(
        `  ${pad(label(p.existingBookings), 10)}${pad(p.rps.toFixed(1), 9, true)}${pad(p.p50Ms.toFixed(2), 9, true)}${pad(p.p99Ms.toFixed(2), 9, true)}${pad(String(p.errors), 8, true)}${pad(p.availabilityRps?.toFixed(1) ?? '-', 11, true)}${pad(p.availabilityP99Ms?.toFixed(2) ?? '-', 11, true)}${pad(p.seedSeconds.toFixed(1), 9, true)}${pad(String(p.relayBacklog), 15, true)}${pad(String(p.relayDrainMs), 10, true)}${pad(p.ownCpuMsPerRequest?.toFixed(2) ?? '-', 12, true)}${pad(p.walBytesPerRequest !== undefined ? String(p.walBytesPerRequest) : '-', 11, true)}${pad(p.otherLoadCores !== undefined ? `${p.otherLoadCores} cores` : '-', 12, true)}`,
      );
    }
  }
  return lines.join('\n');
}

// ------------------------------------------------------------------ chart

/** 1, 2 or 5 times a power of ten, at least n. */
function niceCeil(n: number): number {
  const p = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((v) => v >= n) ?? 10 * p;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One hand-written SVG: rps per scenario (log scale bars) and bookingCreate rps / p99 by table size. */
export function renderSvg(r: BenchResults): string {
  const W = 1000;
  const H = 440;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="20" y="24" font-size="15" font-weight="bold">cowork platform benchmark, ${esc(r.startedAt.slice(0, 16))}Z, ${r.machine.cores} cores, ${esc(String(r.settings.connections))} connections</text>`,
  );
  // left: bars, log scale
  const bx = 130;
  const bw = 330;
  const top = 70;
  const barH = 44;
  const max = Math.max(...SCENARIOS.map((s) => r[s].rps), 10);
  const logMax = Math.ceil(Math.log10(max));
  const scale = (v: number) => (v <= 1 ? 0 : (Math.log10(v) / logMax) * bw);
  out.push(`<text x="20" y="52" font-size="13" font-weight="bold">Throughput per scenario (req/s, log scale)</text>`);
  for (let e = 0; e <= logMax; e++) {
    const x = bx + (e / logMax) * bw;
    out.push(
      `<line x1="${x}" y1="${top - 6}" x2="${x}" y2="${top + SCENARIOS.length * barH}" stroke="#ddd"/>`,
      `<text x="${x}" y="${top + SCENARIOS.length * barH + 16}" text-anchor="middle" fill="#555">${10 ** e}</text>`,
    );
  }
  const colors: Record<ScenarioName, string> = {
    rawDb: '#7f7f7f',
    bookingCreate: '#1f77b4',
    bareNest: '#bcbd22',
    catalogueRead: '#2ca02c',
    availability: '#9467bd',
  };
  SCENARIOS.forEach((s, i) => {
    const m = r[s];
    const y = top + i * barH;
    const w = Math.max(1, scale(m.rps));
    out.push(
      `<text x="${bx - 8}" y="${y + 18}" text-anchor="end">${s}</text>`,
      `<rect x="${bx}" y="${y + 4}" width="${w.toFixed(1)}" height="${barH - 14}" fill="${colors[s]}"/>`,
      `<text x="${bx + w + 6}" y="${y + 16}">${m.rps.toFixed(0)} rps</text>`,
      `<text x="${bx + w + 6}" y="${y + 29}" fill="#555">p99 ${m.p99Ms} ms${m.errors ? `, ${m.errors} errors` : ''}</text>`,
    );
  });
  const ry = top + SCENARIOS.length * barH + 42;
  out.push(
    `<text x="20" y="${ry}">bookingVsRawDb = ${(r.ratios.bookingVsRawDb * 100).toFixed(1)}% (target 10%)   catalogueVsBareNest = ${(r.ratios.catalogueVsBareNest * 100).toFixed(1)}% (target 25%)</text>`,
  );
  // right: two stacked panels over the table sizes, rps on top, p99 below
  const px = 600;
  const pw = 320;
  out.push(`<text x="${px - 40}" y="52" font-size="13" font-weight="bold">Scaling with existing bookings</text>`);
  const pts = r.scaling;
  if (pts.length) {
    const xAt = (i: number) => px + (pts.length === 1 ? pw / 2 : 30 + (i * (pw - 60)) / (pts.length - 1));
    const panel = (
      py: number,
      ph: number,
      title: string,
      series: { name: string; color: string; dash?: string; value: (p: ScalingPoint) => number | undefined }[],
    ) => {
      const values = pts.flatMap((p) => series.map((s) => s.value(p) ?? 0));
      const max = niceCeil(Math.max(...values, 1) * 1.1);
      const y = (v: number) => py + ph - (v / max) * ph;
      out.push(
        `<rect x="${px}" y="${py}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`,
        `<text x="${px}" y="${py - 6}" fill="#333">${esc(title)}</text>`,
      );
      for (let t = 0; t <= 4; t++) {
        const v = (t / 4) * max;
        out.push(
          `<line x1="${px}" y1="${y(v)}" x2="${px + pw}" y2="${y(v)}" stroke="#eee"/>`,
          `<text x="${px - 6}" y="${y(v) + 4}" text-anchor="end" fill="#555">${Math.round(v)}</text>`,
        );
      }
      series.forEach((s, si) => {
        const d = pts
          .map((p, i) => [i, s.value(p)] as const)
          .filter(([, v]) => v !== undefined)
          .map(([i, v], k) => `${k === 0 ? 'M' : 'L'}${xAt(i).toFixed(1)},${y(v!).toFixed(1)}`)
          .join(' ');
        out.push(
          `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2.5"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
        );
        pts.forEach((p, i) => {
          const v = s.value(p);
          if (v === undefined) return;
          out.push(
            `<circle cx="${xAt(i)}" cy="${y(v)}" r="3.5" fill="${s.color}"/>`,
            // first series labelled above its points, the second below, so close values stay readable
            `<text x="${xAt(i) + 6}" y="${si === 0 ? y(v) - 6 : y(v) + 14}" font-size="11" fill="${s.color}">${Math.round(v)}</text>`,
          );
        });
        out.push(
          `<text x="${px + 8 + si * 160}" y="${py + ph + 30}" fill="${s.color}">${s.dash ? '- -' : '—'} ${esc(s.name)}</text>`,
        );
      });
      pts.forEach((p, i) =>
        out.push(
          `<text x="${xAt(i)}" y="${py + ph + 15}" text-anchor="middle" fill="#555">${label(p.existingBookings)}</text>`,
        ),
      );
    };
    panel(80, 110, 'requests per second', [
      { name: 'bookingCreate', color: '#1f77b4', value: (p) => p.rps },
      { name: 'availability', color: '#9467bd', dash: '6 4', value: (p) => p.availabilityRps },
    ]);
    panel(262, 110, 'p99 latency, ms', [
      { name: 'bookingCreate', color: '#1f77b4', value: (p) => p.p99Ms },
      { name: 'availability', color: '#9467bd', dash: '6 4', value: (p) => p.availabilityP99Ms },
    ]);
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
