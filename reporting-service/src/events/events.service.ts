import { BOOKING_EVENT_SCHEMA_VERSION, isBookingEventType } from '@cowork/booking-events';
import {
  EventBatchReceiver,
  EventEnvelopeDto,
  EventReceiptDto,
  UnsupportedEventVersionError,
} from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { projectBookingChange } from './booking-projection.js';
import { parseBookingEvent } from './parse-booking-event.js';
import { BatchEvent, ReadModelRepository } from './read-model.repository.js';

@Injectable()
export class EventsService {
  constructor(private readonly readModel: ReadModelRepository) {}

  /**
   * One delivery of one event. Refusals (422 version, 400 payload) come before anything is
   * written, so the relay's retry (or an admin's re-drive after an upgrade) finds a clean slate.
   */
  async receive(envelope: EventEnvelopeDto): Promise<EventReceiptDto> {
    const event = checked(envelope);
    const outcome =
      event.kind === 'record'
        ? await this.readModel.recordOnly(event.event)
        : await this.readModel.apply(event.change, projectBookingChange);
    return { eventId: envelope.id, outcome };
  }

  /**
   * The envelopes of a batch at once (the kit's receiveEventBatch): each checked exactly as
   * `receive` checks it (the kit answers a refusal as its `rejected` receipt), and all the accepted
   * ones applied in one transaction with the outcome each would have had delivered alone, in this
   * order. Commits every outcome it answers, or throws having committed nothing (the kit then
   * takes the events one by one).
   */
  readonly batch: EventBatchReceiver<BatchEvent> = {
    check: checked,
    applyAll: (accepted) =>
      this.readModel.applyAll(
        accepted.map((a) => a.checked),
        projectBookingChange,
      ),
  };
}

/**
 * What an event asks of the read model, or its refusal (before anything is written): a type this
 * service does not know is only recorded (whatever its version); a known type must be version 1
 * (422 UNSUPPORTED_EVENT_VERSION) with a payload holding everything the read model needs (400).
 */
function checked(envelope: EventEnvelopeDto): BatchEvent {
  const { type } = envelope;
  if (!isBookingEventType(type)) return { kind: 'record', event: envelope };
  if (envelope.version !== BOOKING_EVENT_SCHEMA_VERSION) {
    throw new UnsupportedEventVersionError(type, envelope.version, BOOKING_EVENT_SCHEMA_VERSION);
  }
  return { kind: 'apply', change: parseBookingEvent({ ...envelope, type }) };
}
