import { BOOKING_EVENT_SCHEMA_VERSION, isBookingEventType } from '@cowork/booking-events';
import type { BookingEventType } from '@cowork/booking-events';
import {
  EventBatchReceiver,
  EventEnvelopeDto,
  EventReceiptDto,
  UnsupportedEventVersionError,
} from '@cowork/service-kit';
import { Injectable, Logger } from '@nestjs/common';
import { NotificationType } from '../generated/prisma/enums.js';
import { renderNotification } from '../templates/index.js';
import { notifyingPayload } from './dto/event-payload.dto.js';
import { NotificationDraft, NotificationsRepository } from './notifications.repository.js';

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
 * Consumes delivered events, one (`receive`) or a batch at once (`batch`). Everything that
 * can refuse an event (version, payload) is checked before anything is written, so a refusal
 * records nothing and the relay's retry is judged afresh; what is written is written in one
 * transaction that starts by recording the event id(s).
 */
@Injectable()
export class EventConsumer {
  private readonly logger = new Logger(EventConsumer.name);

  constructor(private readonly notifications: NotificationsRepository) {}

  async receive(envelope: EventEnvelopeDto): Promise<EventReceiptDto> {
    const draft = this.draftOf(envelope);
    if (!draft) {
      // booking.created, booking.deleted and types added after this build: kept, so a redelivery is a duplicate
      const first = await this.notifications.recordIgnored(envelope);
      return { eventId: envelope.id, outcome: first ? 'ignored' : 'duplicate' };
    }
    const outcome = await this.notifications.applyEvent(envelope, draft);
    if (outcome === 'duplicate') this.logDuplicate(envelope);
    return { eventId: envelope.id, outcome };
  }

  /**
   * The batch fast path (the kit's receiveEventBatch): every envelope checked exactly as `receive`
   * checks it (the kit answers a refusal as its `rejected` receipt), then all the accepted ones
   * applied together in one statement (NotificationsRepository.applyEvents), which leaves the same
   * rows as delivering them one by one. Throws (nothing committed) when the database fails, and
   * the kit then takes the events one by one.
   */
  readonly batch: EventBatchReceiver<NotificationDraft | undefined> = {
    check: (envelope) => this.draftOf(envelope),
    applyAll: async (accepted) => {
      const outcomes = await this.notifications.applyEvents(
        accepted.map(({ envelope, checked }) => ({ event: envelope, draft: checked })),
      );
      accepted.forEach(({ envelope, checked }, i) => {
        if (checked && outcomes[i] === 'duplicate') this.logDuplicate(envelope);
      });
      return outcomes;
    },
  };

  /**
   * What the event turns into: undefined for a type this service does not act on (recorded and
   * ignored), else the notification, rendered. Throws the refusals: 422 for a known type in a
   * version this build cannot read, 400 for a payload lacking what the notification needs.
   */
  private draftOf(envelope: EventEnvelopeDto): NotificationDraft | undefined {
    const known = isBookingEventType(envelope.type);
    if (known && envelope.version !== BOOKING_EVENT_SCHEMA_VERSION) {
      throw new UnsupportedEventVersionError(envelope.type, envelope.version, BOOKING_EVENT_SCHEMA_VERSION);
    }
    const type = known ? NOTIFYING_EVENTS[envelope.type as BookingEventType] : undefined;
    if (!type) return undefined;
    const payload = notifyingPayload(type, envelope.payload, envelope.aggregateId);
    return {
      userId: payload.booking.userId,
      bookingId: payload.booking.id,
      type,
      recipient: payload.user.email,
      content: renderNotification(type, payload),
    };
  }

  private logDuplicate(envelope: EventEnvelopeDto): void {
    this.logger.log(`event ${envelope.id} (${envelope.type}) delivered again; unchanged`);
  }
}
