import { formatDay, formatMoney, formatRange } from './format.js';
import type { NotificationTemplate } from './render.js';

/** booking.cancelled: the slot is free again; refundCents is what the cancellation policy grants. */
export const bookingCancelled: NotificationTemplate = ({ booking, workspace, actorId, refundCents = 0 }) => {
  const when = formatRange(booking.startTime, booking.endTime, workspace.timezone);
  const refund = formatMoney(refundCents, booking.currency);
  const refundLine =
    refundCents > 0
      ? `A refund of ${refund} is on its way to the payment method you paid with.`
      : booking.paidCents > 0
        ? 'No refund is due under the cancellation policy.'
        : undefined;
  return {
    title: `Booking cancelled: ${workspace.name} on ${formatDay(booking.startTime, workspace.timezone)}`,
    paragraphs: [
      actorId === booking.userId
        ? `You cancelled your booking of ${workspace.name} for ${when}.`
        : `Your booking of ${workspace.name} for ${when} was cancelled by the Cowork team.`,
      ...(refundLine ? [refundLine] : []),
    ],
    details: [
      { label: 'Workspace', value: workspace.name },
      { label: 'When', value: when },
      ...(refundCents > 0 ? [{ label: 'Refund', value: refund }] : []),
      { label: 'Booking reference', value: booking.id },
    ],
  };
};
