import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface StubProfile {
  id: string;
  email: string;
  fullName: string;
  role: 'MEMBER' | 'ADMIN';
  status: 'ACTIVE' | 'SUSPENDED';
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorization?: string;
  idempotencyKey?: string;
  requestId?: string;
  body?: unknown;
}

/**
 * - `ok`: behaves like user-service
 * - `error`: every request answers 500 (problem+json)
 * - `hang`: every request is accepted and never answered (the caller's timeout fires)
 */
export type StubMode = 'ok' | 'error' | 'hang';

/**
 * A stand-in for user-service's three endpoints that auth-service calls, on a real HTTP port,
 * with switches to make it fail, hang, go away and come back. Profiles live in memory.
 */
export class UserServiceStub {
  readonly profiles = new Map<string, StubProfile>();
  readonly requests: RecordedRequest[] = [];
  mode: StubMode = 'ok';
  /** POST /internal/users stores the profile, then never answers (an answer lost on the way) */
  loseCreateAnswers = false;

  private server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly hung = new Set<ServerResponse>();
  private port = 0;

  private constructor() {
    this.server = this.newServer();
  }

  static async start(): Promise<UserServiceStub> {
    const stub = new UserServiceStub();
    await stub.listen(0);
    return stub;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get listening(): boolean {
    return this.server.listening;
  }

  profileByEmail(email: string): StubProfile | undefined {
    return [...this.profiles.values()].find((p) => p.email === email);
  }

  suspend(id: string): void {
    const profile = this.profiles.get(id);
    if (!profile) throw new Error(`stub has no profile ${id}`);
    profile.status = 'SUSPENDED';
  }

  /** Back to healthy behaviour; requests left hanging are dropped. */
  heal(): void {
    this.mode = 'ok';
    this.loseCreateAnswers = false;
    this.dropHung();
  }

  /** Stops listening: callers get ECONNREFUSED until `resume()`. */
  async stop(): Promise<void> {
    if (!this.server.listening) return;
    this.dropHung();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** Listens again on the same port. */
  async resume(): Promise<void> {
    if (this.server.listening) return;
    this.server = this.newServer();
    await this.listen(this.port);
  }

  close(): Promise<void> {
    return this.stop();
  }

  private newServer(): Server {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    return server;
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private dropHung(): void {
    for (const res of this.hung) res.socket?.destroy();
    this.hung.clear();
  }

  private hang(res: ServerResponse): void {
    this.hung.add(res);
    res.on('close', () => this.hung.delete(res));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req);
    const path = new URL(req.url ?? '/', 'http://stub').pathname;
    this.requests.push({
      method: req.method ?? '',
      path,
      authorization: req.headers.authorization,
      idempotencyKey: header(req, 'idempotency-key'),
      requestId: header(req, 'x-request-id'),
      body,
    });
    if (this.mode === 'hang') return this.hang(res);
    if (this.mode === 'error') return problem(res, 500, 'INTERNAL_ERROR', 'stub told to fail');
    if (!/^Bearer \S+$/.test(req.headers.authorization ?? '')) {
      return problem(res, 401, 'UNAUTHENTICATED', 'A valid access token is required');
    }

    if (req.method === 'POST' && path === '/internal/users') return this.create(body, res);
    const user = path.match(/^\/users\/([\w-]+)$/);
    if (req.method === 'GET' && user) {
      const profile = this.profiles.get(user[1]!);
      return profile ? json(res, 200, profile) : problem(res, 404, 'USER_NOT_FOUND', `user ${user[1]} was not found`);
    }
    const internal = path.match(/^\/internal\/users\/([\w-]+)$/);
    if (req.method === 'DELETE' && internal) {
      this.profiles.delete(internal[1]!);
      res.writeHead(204).end();
      return;
    }
    problem(res, 404, 'NOT_FOUND', `${req.method} ${path} is not a user-service route`);
  }

  private create(body: unknown, res: ServerResponse): void {
    const input = body as Partial<StubProfile> | undefined;
    if (!input?.id || !input.email || !input.fullName) {
      return problem(res, 400, 'VALIDATION_FAILED', 'id, email and fullName are required');
    }
    const existing = this.profiles.get(input.id);
    const taken = this.profileByEmail(input.email);
    let status = 201;
    if (existing && existing.email === input.email) status = 200;
    else if (taken || existing) return problem(res, 409, 'EMAIL_TAKEN', 'This email belongs to another profile');
    else {
      this.profiles.set(input.id, {
        id: input.id,
        email: input.email,
        fullName: input.fullName,
        role: input.role ?? 'MEMBER',
        status: 'ACTIVE',
      });
    }
    if (this.loseCreateAnswers) return this.hang(res);
    json(res, status, this.profiles.get(input.id));
  }

  /** A profile that exists in user-service only (for the EMAIL_TAKEN answer). */
  seed(email: string): StubProfile {
    const profile: StubProfile = { id: randomUUID(), email, fullName: 'Seeded', role: 'MEMBER', status: 'ACTIVE' };
    this.profiles.set(profile.id, profile);
    return profile;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function problem(res: ServerResponse, status: number, code: string, detail: string): void {
  res
    .writeHead(status, { 'content-type': 'application/problem+json' })
    .end(JSON.stringify({ type: `urn:cowork:problem:${code.toLowerCase()}`, title: 'stub', status, code, detail }));
}
