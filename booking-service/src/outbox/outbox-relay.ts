import { DownstreamRejectedError, ServiceMetrics, withRequestId } from '@cowork/service-kit';
import type { BookingEvent, BookingEventPayload } from '@cowork/booking-events';
import type { Counter } from '@cowork/service-kit';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { BookingServiceConfig } from '../config.js';
import { SERVICE_NAME } from '../service.js';
import { EventSubscribers } from './event-subscribers.js';
import { ClaimedDelivery, OutboxRepository } from './outbox.repository.js';

const PURGE_EVERY_MS = 10 * 60_000;

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

/**
 * Delivers outbox events to every subscriber (POST /internal/events, service token): at least
 * once, in order per booking and subscriber, with exponential backoff and full jitter, parking a
 * delivery as DEAD after RELAY_MAX_ATTEMPTS. Safe with any number of replicas (see claimDue).
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
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
    if (this.config.RELAY_INTERVAL_MS <= 0) return;
    this.timer = setInterval(() => {
      this.running ??= this.drain()
        .catch((error: Error) => this.logger.error(`relay pass failed: ${error.message}`))
        .finally(() => (this.running = undefined));
    }, this.config.RELAY_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /**
   * Passes until nothing is due (or the service is stopping): a booking's next event becomes due
   * as soon as the one before it is delivered, so it goes out in the same drain.
   */
  async drain(): Promise<void> {
    while (!this.stopped && (await this.deliverDue()) > 0);
    if (Date.now() - this.lastPurge > PURGE_EVERY_MS) {
      this.lastPurge = Date.now();
      const before = new Date(Date.now() - this.config.OUTBOX_RETENTION_DAYS * 86_400_000);
      const purged = await this.outbox.purgeDelivered(before);
      if (purged > 0) this.logger.log(`purged ${purged} delivered outbox events older than ${before.toISOString()}`);
    }
  }

  /** One batch: claim, deliver (concurrently; a batch holds at most one event per booking and subscriber), settle. */
  async deliverDue(): Promise<number> {
    const batch = await this.outbox.claimDue(this.config.RELAY_BATCH_SIZE, this.config.RELAY_LEASE_MS);
    let next = 0;
    const worker = async () => {
      while (next < batch.length) await this.deliver(batch[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(this.config.RELAY_CONCURRENCY, batch.length) }, worker));
    return batch.length;
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    const envelope = toEnvelope(delivery.event);
    const subscriber = this.subscribers.byName(delivery.subscriber);
    try {
      if (!subscriber) throw new Error(`subscriber ${delivery.subscriber} is not configured (EVENT_SUBSCRIBERS)`);
      await withRequestId(`event-${envelope.id}`, () => subscriber.client.post('/internal/events', envelope));
      await this.outbox.markDelivered(delivery);
      this.deliveries.inc({ subscriber: delivery.subscriber, outcome: 'delivered' });
    } catch (error) {
      const reason = describeFailure(error);
      const dead = delivery.attempts >= this.config.RELAY_MAX_ATTEMPTS;
      await this.outbox.markFailed(delivery, reason, dead ? null : this.retryAt(delivery.attempts));
      this.deliveries.inc({ subscriber: delivery.subscriber, outcome: dead ? 'dead' : 'failed' });
      const message = `${envelope.type} ${envelope.id} to ${delivery.subscriber}, attempt ${delivery.attempts}: ${reason}`;
      if (dead) this.logger.error(`parked as DEAD: ${message}`);
      else this.logger.warn(`delivery failed, will retry: ${message}`);
    }
  }

  /** Exponential backoff with full jitter: uniformly within [base, min(cap, base * 2^(n-1))]. */
  private retryAt(attempts: number): Date {
    const { RELAY_RETRY_BASE_MS: base, RELAY_RETRY_MAX_MS: cap } = this.config;
    const ceiling = Math.min(cap, base * 2 ** Math.min(attempts - 1, 30));
    return new Date(Date.now() + base + Math.random() * Math.max(0, ceiling - base));
  }
}

function describeFailure(error: unknown): string {
  if (error instanceof DownstreamRejectedError) {
    return `HTTP ${error.downstreamStatus} ${String(error.problem.code ?? '')}: ${String(error.problem.detail ?? '')}`;
  }
  return error instanceof Error ? error.message : String(error);
}
