import { BOOKING_EVENT_SCHEMA_VERSION, isBookingEventType } from '@cowork/booking-events';
import { EventEnvelopeDto, EventReceiptDto, UnsupportedEventVersionError } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { projectBookingChange } from './booking-projection.js';
import { parseBookingEvent } from './parse-booking-event.js';
import { ReadModelRepository } from './read-model.repository.js';

@Injectable()
export class EventsService {
  constructor(private readonly readModel: ReadModelRepository) {}

  /**
   * One delivery of one event. Refusals (422 version, 400 payload) come before anything is
   * written, so the relay's retry (or an admin's re-drive after an upgrade) finds a clean slate.
   */
  async receive(envelope: EventEnvelopeDto): Promise<EventReceiptDto> {
    const { type } = envelope;
    if (!isBookingEventType(type)) {
      return { eventId: envelope.id, outcome: await this.readModel.recordOnly(envelope) };
    }
    if (envelope.version !== BOOKING_EVENT_SCHEMA_VERSION) {
      throw new UnsupportedEventVersionError(type, envelope.version, BOOKING_EVENT_SCHEMA_VERSION);
    }
    const change = parseBookingEvent({ ...envelope, type });
    return { eventId: envelope.id, outcome: await this.readModel.apply(change, projectBookingChange) };
  }
}
