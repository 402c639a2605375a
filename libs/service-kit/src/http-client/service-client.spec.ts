import { HttpService } from '@nestjs/axios';
import { Logger } from '@nestjs/common';
import axios from 'axios';
import { CircuitState } from 'cockatiel';
import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceTokenProvider } from '../auth/service-token.js';
import { BaseServiceConfig, loadConfig } from '../config/service-config.js';
import { DependencyUnavailableError, DomainError } from '../errors/domain-error.js';
import { withRequestId } from '../observability/request-context.js';
import {
  DownstreamRejectedError,
  ServiceClient,
  ServiceClientFactory,
  ServiceClientOptions,
} from './service-client.js';

interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type Handler = (res: ServerResponse, n: number, req: IncomingMessage) => void;

/** A downstream service we control: answers with `handler`, records every request it gets. */
class Downstream {
  readonly requests: SeenRequest[] = [];
  url = '';
  private readonly server: Server;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(public handler: Handler) {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        this.requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        this.handler(res, this.requests.length, req);
      });
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** answers later (a slow downstream); cancelled on close */
  later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function reply(res: ServerResponse, status: number, body: unknown = {}, contentType = 'application/json'): void {
  res.writeHead(status, { 'content-type': contentType });
  res.end(JSON.stringify(body));
}

const ok: Handler = (res) => reply(res, 200, { ok: true });
/** answers 200 after two seconds */
const slow =
  (server: () => Downstream): Handler =>
  (res) =>
    server().later(2000, () => reply(res, 200, { ok: true }));
const unavailable: Handler = (res) => reply(res, 503, { code: 'DOWN' }, 'application/problem+json');
/** fails `times` times with 503, then answers 200 */
const failing =
  (times: number): Handler =>
  (res, n) =>
    n <= times ? unavailable(res, n, undefined as never) : reply(res, 200, { attempt: n });

class FixedToken extends ServiceTokenProvider {
  async getToken(): Promise<string> {
    return 'service-token-123';
  }
}

const cleanups: (() => Promise<void>)[] = [];
beforeAll(() => Logger.overrideLogger(false));
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));

async function downstream(handler: Handler): Promise<Downstream> {
  const server = await new Downstream(handler).listen();
  cleanups.push(() => server.close());
  return server;
}

function clientFor(server: Downstream, overrides: Partial<ServiceClientOptions> = {}): ServiceClient {
  return new ServiceClient(new HttpService(axios.create()), new FixedToken(), {
    name: 'inventory-service',
    baseUrl: server.url,
    timeoutMs: 1000,
    retries: 2,
    breakerThreshold: 10,
    halfOpenAfterMs: 200,
    ...overrides,
  });
}

async function failure<E>(promise: Promise<unknown>, type: new (...args: any[]) => E): Promise<E> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  return error as E;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ServiceClient', () => {
  it("sends the service token, the caller's x-request-id and the query, and returns the body", async () => {
    const server = await downstream(ok);
    const client = clientFor(server);

    const body = await withRequestId('req-abc-123', () => client.get('/spaces', { query: { city: 'Oslo', limit: 5 } }));

    expect(body).toEqual({ ok: true });
    expect(server.requests).toHaveLength(1);
    const [seen] = server.requests;
    expect(seen!.method).toBe('GET');
    expect(seen!.url).toBe('/spaces?city=Oslo&limit=5');
    expect(seen!.headers.authorization).toBe('Bearer service-token-123');
    expect(seen!.headers['x-request-id']).toBe('req-abc-123');
    expect(seen!.headers.accept).toBe('application/json');
  });

  it('sends no x-request-id outside a request, and no token for anonymous calls', async () => {
    const server = await downstream(ok);
    await clientFor(server).get('/public', { anonymous: true });
    expect(server.requests[0]!.headers).not.toHaveProperty('x-request-id');
    expect(server.requests[0]!.headers).not.toHaveProperty('authorization');
  });

  it("sends the user's own access token, not the service token, on a call made on their behalf", async () => {
    const server = await downstream(ok);
    await clientFor(server).post('/users/1/role', { role: 'ADMIN' }, { onBehalfOf: 'user-access-token' });
    expect(server.requests[0]!.headers.authorization).toBe('Bearer user-access-token');
  });

  it('retries a GET on 503 and returns the answer that follows, keeping the request id', async () => {
    const server = await downstream(failing(2));
    const client = clientFor(server);

    const body = await withRequestId('req-retry', () => client.get('/spaces/1'));

    expect(body).toEqual({ attempt: 3 });
    expect(server.requests).toHaveLength(3);
    expect(server.requests.map((r) => r.headers['x-request-id'])).toEqual(['req-retry', 'req-retry', 'req-retry']);
  });

  it('gives up on a GET after its retries with a 503 DependencyUnavailableError, never a 500', async () => {
    const server = await downstream(unavailable);
    const error = await failure(clientFor(server, { retries: 1 }).get('/spaces/1'), DependencyUnavailableError);
    expect(server.requests).toHaveLength(2);
    expect(error.status).toBe(503);
    expect(error.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(error.dependency).toBe('inventory-service');
    expect(error.message).toContain('HTTP 503');
  });

  it('does not retry a POST without an Idempotency-Key', async () => {
    const server = await downstream(failing(1));
    await failure(clientFor(server).post('/charges', { amount: 100 }), DependencyUnavailableError);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.headers).not.toHaveProperty('idempotency-key');
  });

  it('retries a POST that carries an Idempotency-Key, sending the same key and body each time', async () => {
    const server = await downstream(failing(1));
    const body = await clientFor(server).post('/charges', { amount: 100 }, { idempotencyKey: 'booking-42' });
    expect(body).toEqual({ attempt: 2 });
    expect(server.requests).toHaveLength(2);
    for (const seen of server.requests) {
      expect(seen.method).toBe('POST');
      expect(seen.headers['idempotency-key']).toBe('booking-42');
      expect(JSON.parse(seen.body)).toEqual({ amount: 100 });
    }
  });

  it('retries on 429 as on an outage', async () => {
    let n = 0;
    const server = await downstream((res) =>
      ++n === 1 ? reply(res, 429, { code: 'RATE_LIMITED' }) : ok(res, n, undefined as never),
    );
    await expect(clientFor(server).get('/spaces')).resolves.toEqual({ ok: true });
    expect(server.requests).toHaveLength(2);
  });

  it('gives up on a slow downstream after its timeout with 503 and a Retry-After', async () => {
    const server: Downstream = await downstream(slow(() => server));
    const started = Date.now();

    const error = await failure(
      clientFor(server, { timeoutMs: 200, retries: 0 }).get('/slow'),
      DependencyUnavailableError,
    );

    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(180);
    expect(elapsed).toBeLessThan(1000);
    expect(error.status).toBe(503);
    expect(error.retryAfterSeconds).toBe(5);
    expect(error.extensions).toMatchObject({ dependency: 'inventory-service', retryAfterSeconds: 5 });
    expect(error.message).toContain('no answer within 200 ms');
  });

  it('reports a downstream that is not listening as unavailable', async () => {
    const server = await downstream(ok);
    const client = clientFor(server, { retries: 0 });
    await server.close();
    const error = await failure(client.get('/spaces'), DependencyUnavailableError);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it("turns a downstream 404 into a DownstreamRejectedError carrying the downstream's problem, without retrying", async () => {
    const server = await downstream((res) =>
      reply(res, 404, { code: 'SPACE_NOT_FOUND', detail: 'space 7 was not found' }, 'application/problem+json'),
    );
    const error = await failure(clientFor(server).get('/spaces/7'), DownstreamRejectedError);
    expect(server.requests).toHaveLength(1);
    expect(error.downstreamStatus).toBe(404);
    expect(error.status).toBe(404);
    expect(error.code).toBe('SPACE_NOT_FOUND');
    expect(error.message).toBe('inventory-service: space 7 was not found');
  });

  it('keeps a 422 as 422, and turns a 401/403 from the downstream into a 502 (our credentials, not the caller)', async () => {
    const statuses = [422, 401, 403];
    const server = await downstream((res, n) => reply(res, statuses[n - 1]!, {}));
    const client = clientFor(server);
    const errors = [];
    for (let i = 0; i < statuses.length; i++) errors.push(await failure(client.get('/x'), DownstreamRejectedError));
    expect(errors.map((e) => [e.downstreamStatus, e.status, e.code])).toEqual([
      [422, 422, 'DOWNSTREAM_REJECTED'],
      [401, 502, 'DOWNSTREAM_REJECTED'],
      [403, 502, 'DOWNSTREAM_REJECTED'],
    ]);
  });

  it('does not count 4xx answers as failures of the downstream', async () => {
    const server = await downstream((res) => reply(res, 404, { code: 'NOT_FOUND' }));
    const client = clientFor(server, { breakerThreshold: 2, retries: 0 });
    for (let i = 0; i < 5; i++) await failure(client.get(`/spaces/${i}`), DownstreamRejectedError);
    expect(server.requests).toHaveLength(5);
    expect(client.circuitState).toBe(CircuitState.Closed);
  });

  it('counts only consecutive failures: a 4xx answer in between shows the downstream is up', async () => {
    const statuses = [503, 404, 503, 404, 503];
    const server = await downstream((res, n) => reply(res, statuses[n - 1] ?? 200, {}));
    const client = clientFor(server, { breakerThreshold: 2, retries: 0 });
    for (const status of statuses) {
      const expected: new (...args: any[]) => DomainError =
        status === 404 ? DownstreamRejectedError : DependencyUnavailableError;
      await failure(client.get('/spaces'), expected);
    }
    expect(client.circuitState).toBe(CircuitState.Closed);
    await expect(client.get('/spaces')).resolves.toEqual({});
    expect(server.requests).toHaveLength(6);
  });

  it('opens the circuit after breakerThreshold consecutive failures and then fails fast without calling', async () => {
    const server = await downstream(unavailable);
    const client = clientFor(server, { breakerThreshold: 3, retries: 0, halfOpenAfterMs: 1500 });

    for (let i = 0; i < 3; i++) await failure(client.get('/spaces'), DependencyUnavailableError);
    expect(server.requests).toHaveLength(3);
    expect(client.circuitState).toBe(CircuitState.Open);

    const started = Date.now();
    const fast = await failure(client.post('/charges', {}), DependencyUnavailableError);
    expect(Date.now() - started).toBeLessThan(100);
    expect(fast.message).toContain('circuit open');
    expect(fast.retryAfterSeconds).toBe(2); // halfOpenAfterMs, rounded up to seconds
    await failure(client.get('/spaces'), DependencyUnavailableError);
    expect(server.requests).toHaveLength(3);
  });

  it('lets one trial call through after halfOpenAfterMs and closes the circuit when it succeeds', async () => {
    const server = await downstream(failing(2));
    const client = clientFor(server, { breakerThreshold: 2, retries: 0, halfOpenAfterMs: 200 });
    for (let i = 0; i < 2; i++) await failure(client.get('/spaces'), DependencyUnavailableError);
    expect(client.circuitState).toBe(CircuitState.Open);

    await sleep(250);

    await expect(client.get('/spaces')).resolves.toEqual({ attempt: 3 });
    expect(client.circuitState).toBe(CircuitState.Closed);
    await expect(client.get('/spaces')).resolves.toEqual({ attempt: 4 });
    expect(server.requests).toHaveLength(4);
  });

  it('opens the circuit again when the trial call fails', async () => {
    const server = await downstream(unavailable);
    const client = clientFor(server, { breakerThreshold: 2, retries: 0, halfOpenAfterMs: 200 });
    for (let i = 0; i < 2; i++) await failure(client.get('/spaces'), DependencyUnavailableError);
    await sleep(250);
    await failure(client.get('/spaces'), DependencyUnavailableError);
    expect(server.requests).toHaveLength(3);
    expect(client.circuitState).toBe(CircuitState.Open);
    await failure(client.get('/spaces'), DependencyUnavailableError);
    expect(server.requests).toHaveLength(3);
  });
});

describe('ServiceClientFactory', () => {
  const factoryWith = (env: Record<string, string>) =>
    new ServiceClientFactory(
      new HttpService(axios.create()),
      new FixedToken(),
      loadConfig(BaseServiceConfig, { PORT: '0', ...env }),
    );

  it('builds clients with the timeout and circuit breaker of the service config', async () => {
    const server: Downstream = await downstream(slow(() => server));
    const factory = factoryWith({ DOWNSTREAM_TIMEOUT_MS: '150', CIRCUIT_BREAKER_THRESHOLD: '2' });
    const client = factory.create({ name: 'payment-service', baseUrl: server.url });

    const started = Date.now();
    const error = await failure(client.post('/payments', {}), DependencyUnavailableError);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error.message).toContain('payment-service is unavailable (no answer within 150 ms)');

    await failure(client.post('/payments', {}), DependencyUnavailableError);
    expect(client.circuitState).toBe(CircuitState.Open);
    expect(server.requests).toHaveLength(2);
  });

  it('retries safe calls twice by default, and lets a client override the config', async () => {
    const server = await downstream(unavailable);
    const factory = factoryWith({ CIRCUIT_BREAKER_THRESHOLD: '50' });
    await failure(factory.create({ name: 'a', baseUrl: server.url }).get('/x'), DependencyUnavailableError);
    expect(server.requests).toHaveLength(3);
    await failure(factory.create({ name: 'b', baseUrl: server.url, retries: 0 }).get('/x'), DependencyUnavailableError);
    expect(server.requests).toHaveLength(4);
  });
});
