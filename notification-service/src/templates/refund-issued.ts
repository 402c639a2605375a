import { formatMoney, formatRange } from './format.js';
import type { NotificationTemplate } from './render.js';

/** refund.issued: money went back to the member (a cancellation, a cheaper reschedule, a reconciliation). */
export const refundIssued: NotificationTemplate = ({ booking, workspace, refundCents }) => {
  const when = formatRange(booking.startTime, booking.endTime, workspace.timezone);
  const refund = formatMoney(refundCents!, booking.currency);
  return {
    title: `Refund of ${refund} issued: ${workspace.name}`,
    paragraphs: [
      `We refunded ${refund} for your booking of ${workspace.name} for ${when}.`,
      'It goes back to the payment method you paid with; your bank may take a few business days to show it.',
    ],
    details: [
      { label: 'Workspace', value: workspace.name },
      { label: 'When', value: when },
      { label: 'Refunded', value: refund },
      { label: 'Paid after refunds', value: formatMoney(booking.paidCents, booking.currency) },
      { label: 'Booking reference', value: booking.id },
    ],
  };
};
