import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort, REPO_ROOT } from './service-process.js';

const LOG_DIR = join(REPO_ROOT, '.run', 'e2e-logs');
const INSTALL_SCRIPT = join(REPO_ROOT, 'scripts', 'install-test-packages.sh');

/** One backend server as HAProxy's stats page reports it. */
export interface ServerStats {
  name: string;
  /** UP, DOWN, "UP 1/2", "DOWN 1/2", MAINT, … */
  status: string;
  /** connections open to it now (requests in flight) */
  sessions: number;
  /** requests answered (HTTP responses) */
  responses: number;
  /** connection errors (the server refused or reset the connection) */
  connectionErrors: number;
  /** response errors (the server closed or failed while answering) */
  responseErrors: number;
  /** times a request was retried (on this server) */
  retries: number;
  /** times a request was redispatched away from this server */
  redispatches: number;
}

export interface LoadBalancerStats {
  servers: ServerStats[];
  /** the backend's totals */
  backend: ServerStats;
}

/**
 * The path of the haproxy binary, installing the Debian package through
 * scripts/install-test-packages.sh when it is missing. Throws with the script's own explanation
 * when it cannot install (e.g. not root): a test needing a load balancer fails, never passes
 * silently.
 */
export function ensureHaproxy(): string {
  const find = () => {
    const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
    return dirs
      .filter((d) => d.startsWith('/'))
      .map((d) => join(d, 'haproxy'))
      .find((p) => existsSync(p));
  };
  const found = find();
  if (found) return found;
  // the script explains itself on stderr: what it installed, or why it cannot
  const run = spawnSync('bash', [INSTALL_SCRIPT, 'haproxy'], { encoding: 'utf8', timeout: 300_000 });
  const said = `${run.stderr ?? ''}${run.stdout ?? ''}`.trim() || String(run.error ?? `exit ${run.status}`);
  if (run.status !== 0)
    throw new Error(`haproxy is not installed and ${INSTALL_SCRIPT} could not install it:\n${said}`);
  const installed = find();
  if (!installed) throw new Error(`${INSTALL_SCRIPT} ran but no haproxy binary is on the PATH:\n${said}`);
  return installed;
}

export interface LoadBalancerOptions {
  /** health check interval (ms); a server is DOWN after `fall` failed checks, UP again after `rise` good ones */
  checkIntervalMs?: number;
  fall?: number;
  rise?: number;
  /** the longest a server may take to answer one request (ms) */
  serverTimeoutMs?: number;
}

/**
 * HAProxy in front of replicas of one service, as a real process in the foreground (`-db`),
 * with its configuration written to a temporary folder. One HTTP frontend on a free loopback
 * port, round robin over the backends, active health checks on GET /health/ready, and retries
 * that are safe (see `config()` for what is retried and why). A second listener serves HAProxy's
 * stats (CSV) so a test can read what the balancer saw: server states, retries, redispatches.
 */
export class LoadBalancer {
  url = '';
  statsUrl = '';
  readonly logFile: string;
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private readonly dir = mkdtempSync(join(tmpdir(), 'cowork-lb-'));
  private port = 0;
  private statsPort = 0;

  constructor(
    readonly name: string,
    readonly backends: string[],
    private readonly options: LoadBalancerOptions = {},
  ) {
    mkdirSync(LOG_DIR, { recursive: true });
    this.logFile = join(LOG_DIR, `haproxy-${name}-${process.pid}.log`);
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * The configuration. Choices:
   * - health: `option httpchk` GET /health/ready every 500 ms; 2 failures mark a server DOWN (a
   *   SIGKILLed replica leaves the rotation within ~1 s), 1 success brings it back.
   * - retries: `retries 2` with `option redispatch 1` (each retry goes to another server).
   *   `retry-on conn-failure empty-response`:
   *   - conn-failure: the connection could not be made (refused, reset before the request was
   *     sent). The server never saw the request, so it is safe to retry any method.
   *   - empty-response: the server took the request and closed without a byte of answer (it died
   *     mid-request). It may have acted on it. That is safe to send again only when repeating it
   *     cannot do the work twice: idempotent methods (GET, HEAD, OPTIONS) and requests carrying an
   *     `Idempotency-Key` (POST /bookings: booking-service answers a repeat with the booking made
   *     the first time, and charges with the booking id as the payment's key, so never twice).
   *     Every other request (POST/PATCH/DELETE without a key, e.g. POST /bookings/:id/cancel) gets
   *     `disable-l7-retry`: only connection failures are retried, and a request that may have
   *     reached a dying server is answered 502 to the client, who knows whether repeating is safe.
   *   Not retried: response timeouts (a slow server is still working on it: a second copy would
   *   run concurrently) and 5xx answers (the application's own answer, e.g. 503 with Retry-After,
   *   is the client's to act on).
   * - timeouts: connect 1 s (loopback: a live server accepts at once), server 30 s (a booking
   *   waits on user-, workspace- and payment-service with their own retries), client 30 s; an idle
   *   client connection is kept 10 s, longer than Node's fetch keeps one idle (4 s), so that it is
   *   normally the client that closes it, not the balancer under a request being sent.
   */
  config(): string {
    const inter = this.options.checkIntervalMs ?? 500;
    const fall = this.options.fall ?? 2;
    const rise = this.options.rise ?? 1;
    const servers = this.backends.map((url, i) => {
      const { hostname, port } = new URL(url);
      return `  server ${this.name}-${i + 1} ${hostname}:${port}`;
    });
    return [
      'global',
      '  nbthread 1',
      '  maxconn 1024',
      '  log stdout format raw local0 info',
      '',
      'defaults',
      '  mode http',
      '  log global',
      '  option httplog',
      '  option dontlognull',
      '  timeout connect 1s',
      '  timeout client 30s',
      `  timeout server ${this.options.serverTimeoutMs ?? 30_000}ms`,
      '  timeout http-request 10s',
      '  timeout http-keep-alive 10s',
      '  timeout check 1s',
      '',
      `frontend ${this.name}-in`,
      `  bind 127.0.0.1:${this.port}`,
      `  default_backend ${this.name}`,
      '',
      `backend ${this.name}`,
      '  balance roundrobin',
      '  option httpchk',
      '  http-check send meth GET uri /health/ready',
      '  http-check expect status 200',
      `  default-server check inter ${inter}ms fall ${fall} rise ${rise}`,
      '  retries 2',
      '  option redispatch 1',
      '  retry-on conn-failure empty-response',
      '  acl safe_to_repeat method GET HEAD OPTIONS',
      '  acl has_idempotency_key req.hdr(idempotency-key) -m found',
      '  http-request disable-l7-retry unless safe_to_repeat || has_idempotency_key',
      // which replica answered, for a test to tell them apart
      '  http-response set-header x-served-by %[srv_name]',
      ...servers,
      '',
      `listen ${this.name}-stats`,
      `  bind 127.0.0.1:${this.statsPort}`,
      '  stats enable',
      '  stats uri /stats',
      '  stats refresh 0',
      '',
    ].join('\n');
  }

  async start(): Promise<void> {
    const binary = ensureHaproxy();
    this.port = await freePort();
    this.statsPort = await freePort();
    const configFile = join(this.dir, 'haproxy.cfg');
    writeFileSync(configFile, this.config());
    try {
      execFileSync(binary, ['-c', '-q', '-f', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const e = error as { stderr?: Buffer };
      throw new Error(`haproxy refused its configuration:\n${e.stderr?.toString() ?? ''}\n${this.config()}`, {
        cause: error,
      });
    }
    const log = createWriteStream(this.logFile, { flags: 'a' });
    const child = spawn(binary, ['-db', '-f', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    this.url = `http://127.0.0.1:${this.port}`;
    this.statsUrl = `http://127.0.0.1:${this.statsPort}/stats`;
    // ready once the frontend answers and every backend has passed a health check
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (!this.running) throw new Error(`haproxy exited during start-up:\n${this.tail()}`);
      try {
        const stats = await this.stats();
        if (stats.servers.every((s) => s.status === 'UP')) {
          const res = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(1000) });
          if (res.ok) return;
        }
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`haproxy was not ready with every backend UP within 15 s:\n${this.tail()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** What HAProxy saw, from its stats CSV. */
  async stats(): Promise<LoadBalancerStats> {
    const res = await fetch(`${this.statsUrl};csv;norefresh`, { signal: AbortSignal.timeout(2000) });
    const text = await res.text();
    const [header, ...rows] = text.trim().split('\n');
    const columns = header.replace(/^# /, '').split(',');
    const col = (row: string[], name: string) => row[columns.indexOf(name)] ?? '';
    const num = (row: string[], name: string) => Number(col(row, name)) || 0;
    const parsed = rows
      .map((line) => line.split(','))
      .filter((row) => col(row, 'pxname') === this.name)
      .map((row) => ({
        name: col(row, 'svname'),
        status: col(row, 'status'),
        sessions: num(row, 'scur'),
        responses:
          num(row, 'hrsp_1xx') +
          num(row, 'hrsp_2xx') +
          num(row, 'hrsp_3xx') +
          num(row, 'hrsp_4xx') +
          num(row, 'hrsp_5xx'),
        connectionErrors: num(row, 'econ'),
        responseErrors: num(row, 'eresp'),
        retries: num(row, 'wretr'),
        redispatches: num(row, 'wredis'),
      }));
    const backend = parsed.find((s) => s.name === 'BACKEND');
    if (!backend) throw new Error(`no backend ${this.name} in haproxy's stats:\n${text}`);
    return { servers: parsed.filter((s) => s.name !== 'BACKEND'), backend };
  }

  /** Stops HAProxy (SIGTERM: immediate stop; SIGKILL if it lingers) and removes its configuration. */
  async stop(): Promise<void> {
    if (this.running) {
      this.child!.kill('SIGTERM');
      const timer = setTimeout(() => this.child?.kill('SIGKILL'), 5000);
      await this.exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  tail(lines = 30): string {
    try {
      return readFileSync(this.logFile, 'utf8').trim().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}
