import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedEvent {
  id: string;
  type: string;
  version: number;
  occurredAt: string;
  source: string;
  aggregateId: string;
  sequence: number;
  payload: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  authorization?: string;
  /** the status this delivery was answered with */
  answered?: number;
}

/**
 * A stand-in subscriber: records what the relay POSTs to /internal/events and answers 200, or
 * what `failWhen` says for the events it picks (500 by default).
 */
export class FakeSubscriber {
  readonly received: ReceivedEvent[] = [];
  /** deliveries in flight right now, and the most there ever were for one event id */
  private inFlight = new Map<string, number>();
  maxConcurrentPerEvent = 0;
  failWhen: (event: ReceivedEvent) => number | false = () => false;
  /** how long to hold each answer (to widen the window two relays could overlap in) */
  delayMs = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeSubscriber> {
    const server = createServer();
    const self = new FakeSubscriber(server);
    server.on('request', (req, res) => void self.handle(req, res.writeHead.bind(res), res.end.bind(res)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return self;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Successful deliveries of each event id. */
  deliveredIds(): string[] {
    return this.received.filter((e) => e.answered === 200).map((e) => e.id);
  }

  forAggregate(aggregateId: string): ReceivedEvent[] {
    return this.received.filter((e) => e.aggregateId === aggregateId);
  }

  private async handle(
    req: IncomingMessage,
    writeHead: (status: number, headers: Record<string, string>) => void,
    end: (body?: string) => void,
  ): Promise<void> {
    let body = '';
    for await (const chunk of req) body += chunk;
    if (req.method !== 'POST' || req.url !== '/internal/events') {
      writeHead(404, { 'content-type': 'application/problem+json' });
      return end('{}');
    }
    const event = { ...(JSON.parse(body) as ReceivedEvent), authorization: req.headers.authorization };
    const concurrent = (this.inFlight.get(event.id) ?? 0) + 1;
    this.inFlight.set(event.id, concurrent);
    this.maxConcurrentPerEvent = Math.max(this.maxConcurrentPerEvent, concurrent);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    this.inFlight.set(event.id, concurrent - 1);
    const failure = this.failWhen(event);
    this.received.push({ ...event, answered: failure || 200 });
    if (failure) {
      writeHead(failure, { 'content-type': 'application/problem+json' });
      return end(JSON.stringify({ code: 'BROKEN', detail: 'this subscriber is broken on purpose', status: failure }));
    }
    writeHead(200, { 'content-type': 'application/json' });
    end(JSON.stringify({ eventId: event.id, outcome: 'applied' }));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
