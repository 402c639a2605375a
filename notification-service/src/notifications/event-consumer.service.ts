import { BOOKING_EVENT_SCHEMA_VERSION, isBookingEventType } from '@cowork/booking-events';
import type { BookingEventType } from '@cowork/booking-events';
import { EventEnvelopeDto, EventReceiptDto, UnsupportedEventVersionError } from '@cowork/service-kit';
import { Injectable, Logger } from '@nestjs/common';
import { NotificationType } from '../generated/prisma/enums.js';
import { renderNotification } from '../templates/index.js';
import { notifyingPayload } from './dto/event-payload.dto.js';
import { NotificationsRepository } from './notifications.repository.js';

/** The booking events that notify the booking's user, and what kind of notification each makes. */
export const NOTIFYING_EVENTS: Partial<Record<BookingEventType, NotificationType>> = {
  'booking.confirmed': NotificationType.BOOKING_CONFIRMED,
  'booking.cancelled': NotificationType.BOOKING_CANCELLED,
  'booking.rescheduled': NotificationType.BOOKING_RESCHEDULED,
  'payment.failed': NotificationType.PAYMENT_FAILED,
  'refund.issued': NotificationType.REFUND_ISSUED,
  'booking.expired': NotificationType.HOLD_EXPIRED,
};

/**
 * Consumes one delivered event. Everything that can refuse it (version, payload) is checked
 * before anything is written, so a refusal records nothing and the relay's retry is judged
 * afresh; what is written is written in one transaction that starts by recording the event id.
 */
@Injectable()
export class EventConsumer {
  private readonly logger = new Logger(EventConsumer.name);

  constructor(private readonly notifications: NotificationsRepository) {}

  async receive(envelope: EventEnvelopeDto): Promise<EventReceiptDto> {
    const known = isBookingEventType(envelope.type);
    if (known && envelope.version !== BOOKING_EVENT_SCHEMA_VERSION) {
      throw new UnsupportedEventVersionError(envelope.type, envelope.version, BOOKING_EVENT_SCHEMA_VERSION);
    }
    const type = known ? NOTIFYING_EVENTS[envelope.type as BookingEventType] : undefined;
    if (!type) {
      // booking.created, booking.deleted and types added after this build: kept, so a redelivery is a duplicate
      const first = await this.notifications.recordIgnored(envelope);
      return { eventId: envelope.id, outcome: first ? 'ignored' : 'duplicate' };
    }
    const payload = notifyingPayload(type, envelope.payload, envelope.aggregateId);
    const outcome = await this.notifications.applyEvent(envelope, {
      userId: payload.booking.userId,
      bookingId: payload.booking.id,
      type,
      recipient: payload.user.email,
      content: renderNotification(type, payload),
    });
    if (outcome === 'duplicate') this.logger.log(`event ${envelope.id} (${envelope.type}) delivered again; unchanged`);
    return { eventId: envelope.id, outcome };
  }
}
