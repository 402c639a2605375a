import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
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
  /** what this event was answered: 200 (applied), a refusal's status (rejected), or the failure it stopped at */
  answered?: number;
}

/** One POST /internal/events/batch the relay made (or, to a subscriber without it, one POST /internal/events). */
export interface BatchCall {
  requestId: string | undefined;
  eventIds: string[];
  /** the route called */
  path?: string;
}

/**
 * A stand-in subscriber of POST /internal/events/batch, answering as the real consumers do: a
 * receipt per event, `applied` unless `failWhen` picks the event. A status below 500 rejects just
 * that event (as a 400 or 422 would); 500 or more is an unexpected failure there: the receipts
 * before it are answered, or, on the first event, the whole call fails with that status. With
 * `down` every call's connection is dropped unanswered.
 */
export class FakeSubscriber {
  /** every event looked at (the ones after a failure are not), with its answer */
  readonly received: ReceivedEvent[] = [];
  readonly calls: BatchCall[] = [];
  /** deliveries in flight right now, and the most there ever were for one event id */
  private inFlight = new Map<string, number>();
  maxConcurrentPerEvent = 0;
  failWhen: (event: ReceivedEvent) => number | false = () => false;
  down = false;
  /** how long to hold each answer (to widen the window two relays could overlap in) */
  delayMs = 0;
  /** false: a release from before the batch route: POST /internal/events/batch is 404, events come one per POST /internal/events */
  batchRoute = true;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeSubscriber> {
    const server = createServer();
    const self = new FakeSubscriber(server);
    server.on('request', (req, res) => void self.handle(req, res));
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

  /** The calls that carried any of these events. */
  callsWith(eventIds: string[]): BatchCall[] {
    return this.calls.filter((c) => c.eventIds.some((id) => eventIds.includes(id)));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += chunk;
    if (this.down) return void res.destroy();
    if (!this.batchRoute && req.method === 'POST' && req.url === '/internal/events')
      return this.handleOne(req, res, body);
    if (req.method !== 'POST' || req.url !== '/internal/events/batch' || !this.batchRoute) {
      res.writeHead(404, { 'content-type': 'application/problem+json' });
      return void res.end('{}');
    }
    const events = (JSON.parse(body) as { events: ReceivedEvent[] }).events;
    this.calls.push({
      requestId: req.headers['x-request-id'] as string | undefined,
      eventIds: events.map((e) => e.id),
    });
    for (const e of events) {
      const concurrent = (this.inFlight.get(e.id) ?? 0) + 1;
      this.inFlight.set(e.id, concurrent);
      this.maxConcurrentPerEvent = Math.max(this.maxConcurrentPerEvent, concurrent);
    }
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    for (const e of events) this.inFlight.set(e.id, this.inFlight.get(e.id)! - 1);

    const receipts: Record<string, unknown>[] = [];
    for (const [index, e] of events.entries()) {
      const event = { ...e, authorization: req.headers.authorization };
      const failure = this.failWhen(event);
      this.received.push({ ...event, answered: failure || 200 });
      if (!failure) receipts.push({ eventId: e.id, outcome: 'applied' });
      else if (failure < 500) {
        receipts.push({ eventId: e.id, outcome: 'rejected', status: failure, code: 'BROKEN', detail: 'refused' });
      } else if (index === 0) {
        res.writeHead(failure, { 'content-type': 'application/problem+json' });
        return void res.end(JSON.stringify({ code: 'BROKEN', detail: 'this subscriber is broken on purpose' }));
      } else break;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ receipts }));
  }

  /** POST /internal/events as the consumers answer it: 200 with a receipt, or the refusal's status. */
  private handleOne(req: IncomingMessage, res: ServerResponse, body: string): void {
    const event = { ...(JSON.parse(body) as ReceivedEvent), authorization: req.headers.authorization };
    this.calls.push({
      requestId: req.headers['x-request-id'] as string | undefined,
      eventIds: [event.id],
      path: req.url,
    });
    const failure = this.failWhen(event);
    this.received.push({ ...event, answered: failure || 200 });
    if (failure) {
      res.writeHead(failure, { 'content-type': 'application/problem+json' });
      return void res.end(JSON.stringify({ code: 'BROKEN', detail: 'refused' }));
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ eventId: event.id, outcome: 'applied' }));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
