import { readdirSync, readFileSync } from 'node:fs';

/** Linux clock ticks per second (USER_HZ), 100 on every mainstream kernel. */
const TICKS_PER_SECOND = 100;

interface Snapshot {
  at: number;
  /** pid -> [label, ticks] */
  processes: Map<number, [string, number]>;
  /** machine-wide busy and total ticks (/proc/stat) */
  machineBusy: number;
  machineTotal: number;
  self: NodeJS.CpuUsage;
}

/** CPU (in cores: 1.0 = one core busy for the whole window) by process group, for one window. */
export type CpuBreakdown = Record<string, number>;

function processTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command may contain spaces; fields after it start at the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return undefined;
  }
}

/**
 * Where the machine's CPU went in a measured window: each service process, the bare Nest app,
 * this process (the load generator), PostgreSQL backends by database (a backend's title names
 * its database: "postgres: user bench_booking 127.0.0.1(port) ..."), the rest of PostgreSQL
 * (background writers, other databases), and everything else on the machine.
 */
export class CpuSampler {
  constructor(private readonly children: () => Map<number, string>) {}

  private snapshot(): Snapshot {
    const processes = new Map<number, [string, number]>();
    for (const [pid, label] of this.children()) {
      const ticks = processTicks(pid);
      if (ticks !== undefined) processes.set(pid, [label, ticks]);
    }
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const pid = Number(entry);
      if (processes.has(pid) || pid === process.pid) continue;
      let cmdline: string;
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      } catch {
        continue;
      }
      if (!cmdline.startsWith('postgres')) continue;
      const db = /^postgres: (?:[^:]+: )?\S+ (bench_\w+) /.exec(cmdline)?.[1];
      const ticks = processTicks(pid);
      if (ticks !== undefined) processes.set(pid, [db ? `postgres ${db}` : 'postgres (other)', ticks]);
    }
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = cpu[3] + (cpu[4] ?? 0);
    const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
    return { at: Date.now(), processes, machineBusy: total - idle, machineTotal: total, self: process.cpuUsage() };
  }

  private start?: Snapshot;

  begin(): void {
    this.start = this.snapshot();
  }

  end(): CpuBreakdown {
    const a = this.start!;
    const b = this.snapshot();
    const seconds = (b.at - a.at) / 1000;
    const out: CpuBreakdown = {};
    let accounted = 0;
    for (const [pid, [label, ticks]] of b.processes) {
      const before = a.processes.get(pid)?.[1] ?? 0;
      const cores = (ticks - before) / TICKS_PER_SECOND / seconds;
      out[label] = (out[label] ?? 0) + cores;
      accounted += cores;
    }
    const selfUs = b.self.user + b.self.system - (a.self.user + a.self.system);
    const selfCores = selfUs / 1e6 / seconds;
    out['load generator (bench process)'] = selfCores;
    accounted += selfCores;
    const machineCores = ((b.machineBusy - a.machineBusy) / (b.machineTotal - a.machineTotal)) * cpuCount();
    out['everything else on the machine'] = Math.max(0, machineCores - accounted);
    out['machine total (busy cores)'] = machineCores;
    for (const k of Object.keys(out)) out[k] = Math.round(out[k] * 100) / 100;
    return out;
  }
}

function cpuCount(): number {
  const lines = readFileSync('/proc/stat', 'utf8').split('\n');
  return lines.filter((l) => /^cpu\d+ /.test(l)).length || 1;
}

/** Per database, per request: committed transactions and rows written (pg_stat_database; stats lag up to ~1 s). */
export type DbBreakdown = Record<string, { xactsPerRequest: number; rowsWrittenPerRequest: number }>;

export interface DbCounters {
  xacts: number;
  written: number;
}

/** What a window wrote: per bench_* database, and the WAL the whole server wrote (bytes). */
export interface WindowWrites {
  totals: Map<string, DbCounters>;
  walBytes: number;
}

/**
 * Transactions and row writes per bench_* database over a measured window, and the WAL written
 * meanwhile (the server's, so other work on it counts too: compare windows of one run).
 */
export class DbStatsSampler {
  private start?: Map<string, DbCounters>;
  private startLsn?: string;

  constructor(private readonly client: { query: (sql: string) => Promise<{ rows: unknown[] }> }) {}

  private async snapshot(): Promise<Map<string, DbCounters>> {
    const { rows } = await this.client.query(
      `SELECT datname, xact_commit + xact_rollback AS xacts, tup_inserted + tup_updated + tup_deleted AS written
       FROM pg_stat_database WHERE datname LIKE 'bench\\_%'`,
    );
    return new Map(
      (rows as { datname: string; xacts: string; written: string }[]).map((r) => [
        r.datname,
        { xacts: Number(r.xacts), written: Number(r.written) },
      ]),
    );
  }

  private async walLsn(): Promise<string> {
    const { rows } = await this.client.query('SELECT pg_current_wal_lsn()::text AS lsn');
    return (rows[0] as { lsn: string }).lsn;
  }

  async begin(): Promise<void> {
    this.start = await this.snapshot();
    this.startLsn = await this.walLsn();
  }

  /** Counter deltas since begin(), taken right after the window; divide with perRequest(). */
  async end(): Promise<WindowWrites> {
    const after = await this.snapshot();
    const endLsn = await this.walLsn();
    const totals = new Map<string, DbCounters>();
    for (const [db, b] of after) {
      const a = this.start?.get(db) ?? { xacts: 0, written: 0 };
      totals.set(db, { xacts: b.xacts - a.xacts, written: b.written - a.written });
    }
    return { totals, walBytes: lsnToBytes(endLsn) - lsnToBytes(this.startLsn ?? endLsn) };
  }
}

/** A WAL position ('16/B374D848': high and low 32 bits in hex) as a byte offset. */
export function lsnToBytes(lsn: string): number {
  const [high, low] = lsn.split('/');
  return parseInt(high!, 16) * 2 ** 32 + parseInt(low!, 16);
}

export function perRequest(totals: Map<string, DbCounters>, requests: number): DbBreakdown {
  const out: DbBreakdown = {};
  for (const [db, t] of totals) {
    const xacts = t.xacts / Math.max(1, requests);
    const written = t.written / Math.max(1, requests);
    if (xacts < 0.005 && written < 0.005) continue;
    out[db] = {
      xactsPerRequest: Math.round(xacts * 100) / 100,
      rowsWrittenPerRequest: Math.round(written * 100) / 100,
    };
  }
  return out;
}

export const OWN_TOTAL = 'bench total (all but other work)';
const OTHER = 'everything else on the machine';
const MACHINE = 'machine total (busy cores)';

/**
 * CPU milliseconds per request of each process group (cores x 1000 / rps), plus OWN_TOTAL: the
 * sum over the bench's own processes (services, bare app, load generator, PostgreSQL), i.e. what
 * one request costs this machine when nothing else runs on it.
 */
export function cpuMsPerRequest(cpu: CpuBreakdown, rps: number): Record<string, number> {
  const out: Record<string, number> = {};
  const perRequest = (cores: number) => Math.round(((cores * 1000) / Math.max(rps, 0.001)) * 1000) / 1000;
  let own = 0;
  for (const [k, cores] of Object.entries(cpu)) {
    if (k === OTHER || k === MACHINE) continue;
    own += cores;
    if (cores >= 0.005) out[k] = perRequest(cores);
  }
  out[OWN_TOTAL] = perRequest(own);
  if (cpu[MACHINE] !== undefined) out[MACHINE] = perRequest(cpu[MACHINE]);
  return out;
}
