import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';

/** A free TCP port on loopback (bound then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ServerProcessOptions {
  /** working directory: a service folder, or wherever `script` is relative to */
  cwd: string;
  /** the script node runs, relative to cwd */
  script?: string;
  /** environment on top of PATH and HOST=127.0.0.1; PORT is always the process's port */
  env: Record<string, string>;
  /** stdout and stderr are appended here */
  logFile: string;
  /** loopback port for the V8 inspector (CPU profiles); none: no inspector */
  inspectPort?: number;
  /** SIGKILL a process that has not exited this long after SIGTERM; unset: wait */
  stopTimeoutMs?: number;
}

/**
 * One of our servers as a real process (`node dist/main.js` in its folder), as dev.sh runs it:
 * start and wait for /health/ready, stop with SIGTERM, kill with SIGKILL, start again. Used by
 * the e2e tests and the benchmark.
 */
export class ServerProcess {
  private child?: ChildProcess;
  private exited?: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly port: number,
    private options: ServerProcessOptions,
  ) {
    mkdirSync(dirname(options.logFile), { recursive: true });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get logFile(): string {
    return this.options.logFile;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get inspectPort(): number | undefined {
    return this.options.inspectPort;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Environment for the next start (a restart with other settings). */
  setEnv(extra: Record<string, string>): void {
    this.options = { ...this.options, env: { ...this.options.env, ...extra } };
  }

  async start(timeoutMs = 60_000): Promise<void> {
    const log = createWriteStream(this.options.logFile, { flags: 'a' });
    const { inspectPort, script = 'dist/main.js' } = this.options;
    const child = spawn(process.execPath, [...(inspectPort ? [`--inspect=127.0.0.1:${inspectPort}`] : []), script], {
      cwd: this.options.cwd,
      env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', ...this.options.env, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    await this.waitReady(timeoutMs);
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited during start-up:\n${this.tail()}`);
      try {
        const res = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(1000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${this.name} was not ready within ${timeoutMs} ms:\n${this.tail()}`);
  }

  /** Graceful stop (SIGTERM), as an orchestrator would. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.child!.kill('SIGTERM');
    const { stopTimeoutMs } = this.options;
    const timer = stopTimeoutMs ? setTimeout(() => this.child?.kill('SIGKILL'), stopTimeoutMs) : undefined;
    await this.exited;
    clearTimeout(timer);
  }

  /** Abrupt death (SIGKILL): no shutdown hooks run. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child!.kill('SIGKILL');
    await this.exited;
  }

  tail(lines = 30): string {
    try {
      return readFileSync(this.options.logFile, 'utf8').trim().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}
