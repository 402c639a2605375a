import type { BookingEventPayload } from '@cowork/booking-events';
import type { NotificationType } from '../generated/prisma/enums.js';
import { bookingCancelled } from './booking-cancelled.js';
import { bookingConfirmed } from './booking-confirmed.js';
import { bookingRescheduled } from './booking-rescheduled.js';
import { holdExpired } from './hold-expired.js';
import { paymentFailed } from './payment-failed.js';
import { refundIssued } from './refund-issued.js';
import { NotificationTemplate, render, RenderedNotification } from './render.js';

export type { RenderedNotification } from './render.js';

/** One template per notification type. */
const TEMPLATES: Record<NotificationType, NotificationTemplate> = {
  BOOKING_CONFIRMED: bookingConfirmed,
  BOOKING_CANCELLED: bookingCancelled,
  BOOKING_RESCHEDULED: bookingRescheduled,
  PAYMENT_FAILED: paymentFailed,
  REFUND_ISSUED: refundIssued,
  HOLD_EXPIRED: holdExpired,
};

/** Title, in-app body, email text and email HTML of one notification. */
export function renderNotification(type: NotificationType, payload: BookingEventPayload): RenderedNotification {
  return render(TEMPLATES[type](payload), payload);
}
