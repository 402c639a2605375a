import { Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DomainError, ValidationFailedError } from '../errors/domain-error.js';
import { flattenViolations } from '../validation/validation.js';
import { EventBatchReceiptDto, EventBatchReceiptsDto } from './event-batch.dto.js';
import { EventEnvelopeDto, EventReceiptDto } from './event-envelope.dto.js';

/** A consumer's handling of one event, as `POST /internal/events` runs it. */
export type EventReceiver = (envelope: EventEnvelopeDto) => Promise<EventReceiptDto>;

const logger = new Logger('EventBatch');

/**
 * Runs a consumer's `receive` over the events of a `POST /internal/events/batch`, one after the
 * other in the order given, each exactly as the single endpoint would (its own validation, its
 * own transaction and deduplication inside `receive`). A refusal (a DomainError below 500: a
 * malformed envelope or payload, an unsupported version) becomes that event's `rejected` receipt
 * and the next event goes on. An unexpected error (the database, a bug) stops the batch: the
 * receipts so far are answered and the producer delivers the rest again; on the first event there
 * is nothing to answer, so the error propagates (5xx, as from the single endpoint).
 */
export async function receiveEventBatch(
  events: readonly unknown[],
  receive: EventReceiver,
): Promise<EventBatchReceiptsDto> {
  const receipts: EventBatchReceiptDto[] = [];
  for (const [index, event] of events.entries()) {
    try {
      receipts.push(await receive(await toEnvelope(event)));
    } catch (error) {
      if (error instanceof DomainError && error.status < 500) {
        receipts.push({
          eventId: idOf(event),
          outcome: 'rejected',
          status: error.status,
          code: error.code,
          detail: error.message,
        });
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

/** What the global ValidationPipe does for the single endpoint, for one element of the batch. */
async function toEnvelope(event: unknown): Promise<EventEnvelopeDto> {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw ValidationFailedError.forField('event', 'each event must be an event envelope object');
  }
  const envelope = plainToInstance(EventEnvelopeDto, event);
  const errors = await validate(envelope, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw new ValidationFailedError(flattenViolations(errors));
  return envelope;
}

function idOf(event: unknown): string | null {
  const id = (event as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : null;
}
