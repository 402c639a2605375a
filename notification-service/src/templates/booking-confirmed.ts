import { formatDay, formatMoney, formatRange, openingHoursOn } from './format.js';
import type { NotificationTemplate } from './render.js';

/** booking.confirmed: the booking holds its slot and is paid. */
export const bookingConfirmed: NotificationTemplate = ({ booking, workspace }) => {
  const hours = openingHoursOn(workspace.openingHours, booking.startTime, workspace.timezone);
  return {
    title: `Booking confirmed: ${workspace.name} on ${formatDay(booking.startTime, workspace.timezone)}`,
    paragraphs: [`Your booking of ${workspace.name} is confirmed. See you there!`],
    details: [
      { label: 'Workspace', value: workspace.name },
      { label: 'When', value: formatRange(booking.startTime, booking.endTime, workspace.timezone) },
      ...(hours ? [{ label: 'Opening hours that day', value: hours }] : []),
      { label: 'Attendees', value: String(booking.attendees) },
      { label: 'Price', value: formatMoney(booking.priceCents, booking.currency) },
      { label: 'Booking reference', value: booking.id },
    ],
  };
};
