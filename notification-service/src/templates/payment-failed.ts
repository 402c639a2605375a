import { formatDay, formatMoney, formatRange } from './format.js';
import type { NotificationTemplate } from './render.js';

/** Decline codes in words a member understands; an unknown code is named as it is. */
const DECLINE_REASONS: Record<string, string> = {
  card_declined: 'your card was declined',
  insufficient_funds: 'the card has insufficient funds',
  expired_card: 'the card has expired',
  incorrect_cvc: 'the card’s security code was not correct',
  incorrect_number: 'the card number was not correct',
  processing_error: 'the card could not be processed',
  do_not_honor: 'your bank declined the payment',
  lost_card: 'your card was declined',
  stolen_card: 'your card was declined',
  authentication_required: 'your bank asked for authentication that was not completed',
};

export function declineReason(code: string): string {
  return DECLINE_REASONS[code] ?? `the payment was declined (code “${code}”)`;
}

/** payment.failed: the charge was declined, the booking did not go through and the slot is free. */
export const paymentFailed: NotificationTemplate = ({ booking, workspace, declineCode }) => {
  const when = formatRange(booking.startTime, booking.endTime, workspace.timezone);
  const amount = formatMoney(booking.priceCents, booking.currency);
  const reason = declineReason(declineCode!);
  return {
    title: `Payment failed: ${workspace.name} on ${formatDay(booking.startTime, workspace.timezone)}`,
    paragraphs: [
      `We could not take the payment of ${amount} for your booking of ${workspace.name} for ${when}: ${reason}.`,
      'The booking was not made and the slot was released. You can book again with another payment method.',
    ],
    details: [
      { label: 'Workspace', value: workspace.name },
      { label: 'When', value: when },
      { label: 'Amount', value: amount },
      { label: 'Reason', value: reason.charAt(0).toUpperCase() + reason.slice(1) },
      { label: 'Booking reference', value: booking.id },
    ],
  };
};
