import { Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DomainError, ValidationFailedError } from '../errors/domain-error.js';
import { flattenViolations } from '../validation/validation.js';
import { EventBatchReceiptDto, EventBatchReceiptsDto } from './event-batch.dto.js';
import { EventEnvelopeDto, EventOutcome, EventReceiptDto } from './event-envelope.dto.js';

/** A consumer's handling of one event, as `POST /internal/events` runs it. */
export type EventReceiver = (envelope: EventEnvelopeDto) => Promise<EventReceiptDto>;

/**
 * A consumer's handling of many valid envelopes at once, set-based. `check` runs first on each
 * envelope, before anything is written: it refuses one exactly as `receive` would (a DomainError
 * below 500, answered as that event's `rejected` receipt) or returns what applying it needs.
 * `applyAll` then applies every accepted envelope in one transaction and answers their outcomes,
 * in order; it either commits every outcome it answers or throws.
 */
export interface EventBatchReceiver<T> {
  check(envelope: EventEnvelopeDto): T;
  applyAll(accepted: { envelope: EventEnvelopeDto; checked: T }[]): Promise<EventOutcome[]>;
}

const logger = new Logger('EventBatch');

/**
 * Runs a consumer's `receive` over the events of a `POST /internal/events/batch`, one after the
 * other in the order given, each exactly as the single endpoint would (its own validation, its
 * own transaction and deduplication inside `receive`). A refusal (a DomainError below 500: a
 * malformed envelope or payload, an unsupported version) becomes that event's `rejected` receipt
 * and the next event goes on. An unexpected error (the database, a bug) stops the batch: the
 * receipts so far are answered and the producer delivers the rest again; on the first event there
 * is nothing to answer, so the error propagates (5xx, as from the single endpoint).
 *
 * With `batch`, a batch of several events is first checked and applied whole (one transaction for
 * all, the consumer's fast path); only if that fails is it taken one event at a time as above.
 */
export async function receiveEventBatch<T>(
  events: readonly unknown[],
  receive: EventReceiver,
  batch?: EventBatchReceiver<T>,
): Promise<EventBatchReceiptsDto> {
  if (batch && events.length > 1) {
    const together = await receiveTogether(events, batch);
    if (together) return together;
  }
  const receipts: EventBatchReceiptDto[] = [];
  for (const [index, event] of events.entries()) {
    try {
      receipts.push(await receive(await toEnvelope(event)));
    } catch (error) {
      if (error instanceof DomainError && error.status < 500) {
        receipts.push(rejection(event, error));
        continue;
      }
      if (index === 0) throw error;
      logger.error({
        msg: `batch stopped at event ${index + 1} of ${events.length} (${idOf(event)}); answering ${index} receipts`,
        err: error,
      });
      break;
    }
  }
  return { receipts };
}

/**
 * The fast path: the valid envelopes that `check` accepts applied in one go (one transaction
 * instead of one per event), the malformed and refused ones rejected beside them. undefined when
 * `check` or `applyAll` failed with anything but a refusal: the caller then takes the events one
 * by one, which isolates the event at fault.
 */
async function receiveTogether<T>(
  events: readonly unknown[],
  { check, applyAll }: EventBatchReceiver<T>,
): Promise<EventBatchReceiptsDto | undefined> {
  const receipts: (EventBatchReceiptDto | undefined)[] = [];
  const accepted: { envelope: EventEnvelopeDto; checked: T }[] = [];
  const positions: number[] = [];
  let outcomes: EventOutcome[] = [];
  try {
    for (const [index, event] of events.entries()) {
      try {
        const envelope = await toEnvelope(event);
        accepted.push({ envelope, checked: check(envelope) });
        positions.push(index);
        receipts.push(undefined);
      } catch (error) {
        if (!(error instanceof DomainError) || error.status >= 500) throw error;
        receipts.push(rejection(event, error));
      }
    }
    if (accepted.length > 0) outcomes = await applyAll(accepted);
  } catch (error) {
    logger.warn({ msg: `batch of ${events.length} events failed as a whole; taking them one by one`, err: error });
    return undefined;
  }
  if (outcomes.length !== accepted.length) throw new Error('applyAll answered a different number of outcomes');
  outcomes.forEach((outcome, i) => (receipts[positions[i]!] = { eventId: accepted[i]!.envelope.id, outcome }));
  return { receipts: receipts as EventBatchReceiptDto[] };
}

function rejection(event: unknown, error: DomainError): EventBatchReceiptDto {
  return { eventId: idOf(event), outcome: 'rejected', status: error.status, code: error.code, detail: error.message };
}

/** What the global ValidationPipe does for the single endpoint, for one element of the batch. */
async function toEnvelope(event: unknown): Promise<EventEnvelopeDto> {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw ValidationFailedError.forField('event', 'each event must be an event envelope object');
  }
  // the envelope's own fields only: the payload is the consumer's to validate, and copying it here
  // (class-transformer copies every nested object) would double the cost of an event
  const { payload, ...fields } = event as Record<string, unknown>;
  const isObject = typeof payload === 'object' && payload !== null && !Array.isArray(payload);
  const envelope = plainToInstance(EventEnvelopeDto, { ...fields, payload: isObject ? {} : payload });
  const errors = await validate(envelope, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw new ValidationFailedError(flattenViolations(errors));
  envelope.payload = payload as Record<string, unknown>;
  return envelope;
}

function idOf(event: unknown): string | null {
  const id = (event as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : null;
}
