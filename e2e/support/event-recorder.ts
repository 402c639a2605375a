import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedDelivery {
  id: string;
  type: string;
  aggregateId: string;
  sequence: number;
  at: number;
}

/**
 * An extra event subscriber that only records: every delivery the relay makes to it (each event
 * of a POST /internal/events/batch, or a single POST /internal/events), and the most deliveries of
 * one event ever in flight at once. It answers 200 `applied` for every event after `delayMs`.
 */
export class EventRecorder {
  readonly deliveries: RecordedDelivery[] = [];
  maxConcurrentPerEvent = 0;
  delayMs = 20;
  private readonly inFlight = new Map<string, number>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<EventRecorder> {
    const server = createServer();
    const recorder = new EventRecorder(server);
    server.on('request', (req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk));
      req.on('end', () => {
        const parsed = JSON.parse(body || '{}') as RecordedDelivery | { events: RecordedDelivery[] };
        const batch = 'events' in parsed;
        const events = batch ? parsed.events : [parsed];
        for (const event of events) {
          const now = (recorder.inFlight.get(event.id) ?? 0) + 1;
          recorder.inFlight.set(event.id, now);
          recorder.maxConcurrentPerEvent = Math.max(recorder.maxConcurrentPerEvent, now);
        }
        setTimeout(() => {
          for (const event of events) {
            recorder.inFlight.set(event.id, (recorder.inFlight.get(event.id) ?? 1) - 1);
            recorder.deliveries.push({ ...event, at: Date.now() });
          }
          const receipts = events.map((event) => ({ eventId: event.id, outcome: 'applied' }));
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(batch ? { receipts } : receipts[0]));
        }, recorder.delayMs);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return recorder;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Event ids delivered more than once. */
  duplicates(): string[] {
    const seen = new Map<string, number>();
    for (const d of this.deliveries) seen.set(d.id, (seen.get(d.id) ?? 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
