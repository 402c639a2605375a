import { formatDay, formatRange } from './format.js';
import type { NotificationTemplate } from './render.js';

/** booking.expired: the hold ran out before the payment settled; the slot is free again. */
export const holdExpired: NotificationTemplate = ({ booking, workspace }) => {
  const when = formatRange(booking.startTime, booking.endTime, workspace.timezone);
  return {
    title: `Hold expired: ${workspace.name} on ${formatDay(booking.startTime, workspace.timezone)}`,
    paragraphs: [
      `Your hold on ${workspace.name} for ${when} expired before the booking could be confirmed, so the slot was released.`,
      'If you still want it, please book again.',
    ],
    details: [
      { label: 'Workspace', value: workspace.name },
      { label: 'When', value: when },
      { label: 'Booking reference', value: booking.id },
    ],
  };
};
