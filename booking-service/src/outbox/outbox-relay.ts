import {
  DownstreamRejectedError,
  EVENT_BATCH_MAX_EVENTS,
  EVENT_OUTCOMES,
  RecurringPass,
  ServiceMetrics,
  withRequestId,
} from '@cowork/service-kit';
import type { BookingEvent, BookingEventPayload } from '@cowork/booking-events';
import type { Counter, EventBatchReceiptDto, EventBatchReceiptsDto, EventReceiptDto } from '@cowork/service-kit';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { BookingServiceConfig } from '../config.js';
import { SERVICE_NAME } from '../service.js';
import { EventSubscriber, EventSubscribers } from './event-subscribers.js';
import { ClaimedDelivery, DeliveryFailure, OutboxRepository } from './outbox.repository.js';

const PURGE_EVERY_MS = 10 * 60_000;
/** What a subscriber answers for an event it has safely stored: the delivery is done. */
const DELIVERED_OUTCOMES = new Set<string>(EVENT_OUTCOMES);

/** What a subscriber receives: the outbox row as the versioned envelope of the event contract. */
export function toEnvelope(event: ClaimedDelivery['event']): BookingEvent {
  return {
    id: event.id,
    type: event.type,
    version: event.schemaVersion,
    occurredAt: event.occurredAt.toISOString(),
    source: SERVICE_NAME,
    aggregateId: event.aggregateId,
    sequence: Number(event.position),
    payload: event.payload as unknown as BookingEventPayload,
  };
}

/** One call: deliveries to one subscriber, in outbox order, at most one per booking. */
interface Batch {
  subscriber: string;
  deliveries: ClaimedDelivery[];
}

/**
 * Delivers outbox events to every subscriber, in batches (POST /internal/events/batch, service
 * token): at least once, in order per booking and subscriber, with exponential backoff and full
 * jitter, parking a delivery as DEAD after RELAY_MAX_ATTEMPTS. Safe with any number of replicas
 * (see claimDue).
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly schedule = new RecurringPass({
    intervalMs: this.config.RELAY_INTERVAL_MS,
    pass: () => this.drain(),
    logger: this.logger,
    failurePrefix: 'relay pass failed',
  });
  private lastPurge = 0;
  private readonly deliveries: Counter<'subscriber' | 'outcome'>;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly subscribers: EventSubscribers,
    private readonly config: BookingServiceConfig,
    metrics: ServiceMetrics,
  ) {
    this.deliveries = metrics.counter('outbox_deliveries_total', 'Event delivery attempts by subscriber and outcome', [
      'subscriber',
      'outcome',
    ]);
  }

  onApplicationBootstrap(): void {
    this.schedule.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.schedule.stop();
  }

  /**
   * Passes until nothing is due (or the service is stopping): a booking's next event becomes due
   * as soon as the one before it is delivered, so it goes out in the same drain.
   */
  async drain(): Promise<void> {
    while (!this.schedule.stopping && (await this.deliverDue()) > 0);
    if (Date.now() - this.lastPurge > PURGE_EVERY_MS) {
      this.lastPurge = Date.now();
      const before = new Date(Date.now() - this.config.OUTBOX_RETENTION_DAYS * 86_400_000);
      const purged = await this.outbox.purgeDelivered(before);
      if (purged > 0) this.logger.log(`purged ${purged} delivered outbox events older than ${before.toISOString()}`);
    }
  }

  /**
   * One pass: claim due deliveries, send each subscriber its share in one call (or a few, of at
   * most RELAY_BATCH_SIZE), subscribers concurrently (RELAY_CONCURRENCY calls at once), and settle
   * each call's outcomes. A claim holds at most one event per booking and subscriber, so no call
   * waits for another.
   */
  async deliverDue(): Promise<number> {
    const claimed = await this.outbox.claimDue(this.config.RELAY_BATCH_SIZE, this.config.RELAY_LEASE_MS);
    const batches = toBatches(claimed, Math.min(this.config.RELAY_BATCH_SIZE, EVENT_BATCH_MAX_EVENTS));
    let next = 0;
    const worker = async () => {
      while (next < batches.length) await this.deliver(batches[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(this.config.RELAY_CONCURRENCY, batches.length) }, worker));
    return claimed.length;
  }

  /**
   * Sends one batch and settles it: events the subscriber stored (applied, duplicate, ignored) are
   * DELIVERED; events it rejected, did not get to, or that a failed call left unanswered are
   * retried with backoff, or parked as DEAD after RELAY_MAX_ATTEMPTS.
   */
  private async deliver({ subscriber: name, deliveries }: Batch): Promise<void> {
    const receipts = new Map<string | null, EventBatchReceiptDto>();
    let unanswered = 'no receipt: the subscriber stopped before this event';
    // the subscriber answered but stopped at an event (it failed on it: that attempt counts); the
    // events after it were not tried, so their attempt is given back: no event goes DEAD for a neighbour
    let answered = false;
    let stoppedAt: string | undefined;
    try {
      const subscriber = this.subscribers.byName(name);
      if (!subscriber) throw new Error(`subscriber ${name} is not configured (EVENT_SUBSCRIBERS)`);
      const events = deliveries.map((d) => toEnvelope(d.event));
      for (const receipt of await this.send(subscriber, events)) receipts.set(receipt.eventId, receipt);
      answered = true;
    } catch (error) {
      unanswered = describeFailure(error);
    }

    const delivered: ClaimedDelivery[] = [];
    const failed: (DeliveryFailure & { delivery: ClaimedDelivery })[] = [];
    for (const delivery of deliveries) {
      const receipt = receipts.get(delivery.eventId);
      if (receipt && DELIVERED_OUTCOMES.has(receipt.outcome)) {
        delivered.push(delivery);
        continue;
      }
      if (answered && !receipt) stoppedAt ??= delivery.eventId;
      const untried = answered && !receipt && stoppedAt !== delivery.eventId;
      const dead = !untried && delivery.attempts >= this.config.RELAY_MAX_ATTEMPTS;
      failed.push({
        delivery,
        eventId: delivery.eventId,
        subscriber: name,
        error: receipt ? describeReceipt(receipt) : unanswered,
        retryAt: dead ? null : this.retryAt(untried ? 1 : delivery.attempts),
        attemptCounted: !untried,
      });
    }
    await this.outbox.markDelivered(delivered);
    await this.outbox.markFailed(failed);

    if (delivered.length) this.deliveries.inc({ subscriber: name, outcome: 'delivered' }, delivered.length);
    for (const { delivery, error, retryAt } of failed) {
      this.deliveries.inc({ subscriber: name, outcome: retryAt ? 'failed' : 'dead' });
      const message = `${delivery.event.type} ${delivery.eventId} to ${name}, attempt ${delivery.attempts}: ${error}`;
      if (retryAt) this.logger.warn(`delivery failed, will retry: ${message}`);
      else this.logger.error(`parked as DEAD: ${message}`);
    }
  }

  /**
   * One batch call. A subscriber without the batch route (404: a release from before it, during a
   * rolling deploy) gets the same events one call each on POST /internal/events, in order: a
   * refusal (4xx) is that event's receipt, an unexpected failure stops the calls (the events after
   * it are untried, as in a batch; on the first event the whole call failed). So the order in which
   * services are deployed does not matter.
   */
  private async send(subscriber: EventSubscriber, events: BookingEvent[]): Promise<EventBatchReceiptDto[]> {
    try {
      const answer = await withRequestId(`events-batch-${events[0].id}`, () =>
        subscriber.client.post<EventBatchReceiptsDto>('/internal/events/batch', { events }),
      );
      return answer?.receipts ?? [];
    } catch (error) {
      if (!(error instanceof DownstreamRejectedError && error.downstreamStatus === 404)) throw error;
      this.logger.warn(
        `${subscriber.name} has no /internal/events/batch: delivering ${events.length} events one by one`,
      );
    }
    const receipts: EventBatchReceiptDto[] = [];
    for (const event of events) {
      try {
        const receipt = await withRequestId(`event-${event.id}`, () =>
          subscriber.client.post<EventReceiptDto>('/internal/events', event),
        );
        receipts.push({ eventId: event.id, outcome: receipt.outcome });
      } catch (error) {
        if (!(error instanceof DownstreamRejectedError) || error.downstreamStatus >= 500) {
          if (receipts.length === 0) throw error;
          break;
        }
        receipts.push({
          eventId: event.id,
          outcome: 'rejected',
          status: error.downstreamStatus,
          code: typeof error.problem.code === 'string' ? error.problem.code : undefined,
          detail: typeof error.problem.detail === 'string' ? error.problem.detail : undefined,
        });
      }
    }
    return receipts;
  }

  /** Exponential backoff with full jitter: uniformly within [base, min(cap, base * 2^(n-1))]. */
  private retryAt(attempts: number): Date {
    const { RELAY_RETRY_BASE_MS: base, RELAY_RETRY_MAX_MS: cap } = this.config;
    const ceiling = Math.min(cap, base * 2 ** Math.min(attempts - 1, 30));
    return new Date(Date.now() + base + Math.random() * Math.max(0, ceiling - base));
  }
}

/** The claimed deliveries by subscriber (in claim order, which is outbox order), in chunks of at most `size`. */
function toBatches(claimed: readonly ClaimedDelivery[], size: number): Batch[] {
  const bySubscriber = new Map<string, ClaimedDelivery[]>();
  for (const delivery of claimed) {
    const list = bySubscriber.get(delivery.subscriber);
    if (list) list.push(delivery);
    else bySubscriber.set(delivery.subscriber, [delivery]);
  }
  return [...bySubscriber].flatMap(([subscriber, deliveries]) =>
    Array.from({ length: Math.ceil(deliveries.length / size) }, (_, i) => ({
      subscriber,
      deliveries: deliveries.slice(i * size, (i + 1) * size),
    })),
  );
}

/** A refusal in a batch reads like the single endpoint's answer would have. */
function describeReceipt(receipt: EventBatchReceiptDto): string {
  if (receipt.outcome !== 'rejected') return `unexpected outcome ${String(receipt.outcome)}`;
  return `HTTP ${receipt.status} ${receipt.code ?? ''}: ${receipt.detail ?? ''}`;
}

function describeFailure(error: unknown): string {
  if (error instanceof DownstreamRejectedError) {
    return `HTTP ${error.downstreamStatus} ${String(error.problem.code ?? '')}: ${String(error.problem.detail ?? '')}`;
  }
  return error instanceof Error ? error.message : String(error);
}
