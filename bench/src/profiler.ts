/**
 * CPU profiles of a running service through its V8 inspector (started with
 * --inspect=127.0.0.1:<port>), over the Chrome DevTools Protocol: start right before a measured
 * window, stop right after it, so the profile holds that window only.
 */
export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export class InspectorProfiler {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
      if (message.id === undefined) return;
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.error) waiter.reject(new Error(message.error.message));
      else waiter.resolve(message.result);
    });
  }

  static async attach(inspectPort: number): Promise<InspectorProfiler> {
    const targets = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as {
      webSocketDebuggerUrl: string;
    }[];
    const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve(), { once: true });
      socket.addEventListener('error', () => reject(new Error(`inspector on port ${inspectPort} refused`)), {
        once: true,
      });
    });
    const profiler = new InspectorProfiler(socket);
    await profiler.send('Profiler.enable');
    await profiler.send('Profiler.setSamplingInterval', { interval: 250 });
    return profiler;
  }

  private send<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  async start(): Promise<void> {
    await this.send('Profiler.start');
  }

  async stop(): Promise<CpuProfile> {
    const { profile } = await this.send<{ profile: CpuProfile }>('Profiler.stop');
    return profile;
  }

  close(): void {
    this.socket.close();
  }
}

// ------------------------------------------------------------------ summary

export interface ProfileSummary {
  /** the profiled window, ms */
  windowMs: number;
  /** ms of CPU (not idle) in the window */
  busyMs: number;
  /** self time by area (package, node core, GC, ...), ms and share of busy time */
  byArea: { area: string; ms: number; share: number }[];
  /** the functions with the most self time */
  topFunctions: { fn: string; area: string; ms: number; share: number }[];
  /** total (inclusive) time of a few frames that name a cost: share of busy time whose stack contains them */
  inclusive: { frame: string; ms: number; share: number }[];
}

const PACKAGE_AREAS: [RegExp, string][] = [
  [/^@prisma\//, 'prisma (client runtime + adapter)'],
  [/^(pg|pg-protocol|pg-pool|pg-types|pgpass|postgres-.*)$/, 'pg driver'],
  [/^(@nestjs\/.*|reflect-metadata|rxjs|iterare)$/, 'nestjs (+rxjs)'],
  [/^(fastify|@fastify\/.*|find-my-way|light-my-request|avvio|fast-json-stringify|secure-json-parse)$/, 'fastify'],
  [/^(axios|follow-redirects|form-data|proxy-from-env)$/, 'axios (service clients)'],
  [/^(class-validator|class-transformer|validator|libphonenumber-js)$/, 'class-validator/transformer'],
  [/^jose$/, 'jose (JWT verify)'],
  [/^(pino|pino-std-serializers|sonic-boom|thread-stream|fast-redact|on-exit-leak-free)$/, 'pino (logging)'],
  [/^prom-client$/, 'prom-client (metrics)'],
  [/^cockatiel$/, 'cockatiel (retry/breaker)'],
  [/^luxon$/, 'luxon'],
  [/^helmet$/, 'helmet'],
];

export function areaOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'V8/native (program)';
    if (functionName === '(root)') return 'root';
    return 'native builtins';
  }
  if (url.startsWith('node:')) {
    const path = url.slice(5).replace(/^internal\//, '');
    const top = path.split('/')[0].replace(/_.*$/, '');
    return `node core: ${top}`;
  }
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    const pkg = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    if (pkg.startsWith('@cowork/')) return pkg.slice(8);
    for (const [re, area] of PACKAGE_AREAS) if (re.test(pkg)) return area;
    return pkg;
  }
  if (url.includes('/libs/service-kit/')) return 'service-kit';
  if (url.includes('/libs/')) return 'libs (other)';
  if (url.includes('/generated/prisma/')) return 'prisma (generated client)';
  return 'service code';
}

/** Frames whose inclusive time is worth knowing (name pattern, label). */
const INCLUSIVE_FRAMES: [RegExp, string][] = [
  [/^jwtVerify$/, 'jose jwtVerify (token check)'],
  [/^(validate|validateOrReject|transform)$/, 'ValidationPipe validate/transform'],
  [/^plainToInstance$/, 'class-transformer plainToInstance'],
  [/^\$transaction$/, 'prisma $transaction'],
];

export function summarizeProfile(profile: CpuProfile, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + dt);
  }
  const windowMs = (profile.endTime - profile.startTime) / 1000;
  let busyUs = 0;
  const areas = new Map<string, number>();
  const fns = new Map<string, { area: string; us: number }>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(url, functionName);
    if (area === 'idle' || area === 'root') continue;
    busyUs += us;
    areas.set(area, (areas.get(area) ?? 0) + us);
    const file = url
      ? url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(libs|[a-z]+-service)\//, '$1/')
      : '';
    const key = `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
    const f = fns.get(key) ?? { area, us: 0 };
    f.us += us;
    fns.set(key, f);
    // inclusive: walk up the stack once per label
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const name = byId.get(cur)!.callFrame.functionName;
      for (const [re, label] of INCLUSIVE_FRAMES) {
        if (re.test(name) && !seen.has(label)) {
          seen.add(label);
          inclusive.set(label, (inclusive.get(label) ?? 0) + us);
        }
      }
    }
  }
  const share = (us: number) => Math.round((us / busyUs) * 1000) / 10;
  const ms = (us: number) => Math.round(us / 100) / 10;
  return {
    windowMs: Math.round(windowMs),
    busyMs: ms(busyUs),
    byArea: [...areas].sort((a, b) => b[1] - a[1]).map(([area, us]) => ({ area, ms: ms(us), share: share(us) })),
    topFunctions: [...fns]
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, top)
      .map(([fn, f]) => ({ fn, area: f.area, ms: ms(f.us), share: share(f.us) })),
    inclusive: [...inclusive]
      .sort((a, b) => b[1] - a[1])
      .map(([frame, us]) => ({ frame, ms: ms(us), share: share(us) })),
  };
}
