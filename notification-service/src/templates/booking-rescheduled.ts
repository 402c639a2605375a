import { formatDay, formatMoney, formatRange } from './format.js';
import type { NotificationTemplate } from './render.js';

/** booking.rescheduled: new times, and the price for them (the difference is charged or refunded). */
export const bookingRescheduled: NotificationTemplate = ({ booking, workspace, previous }) => {
  const { timezone } = workspace;
  const before = previous!;
  const difference = booking.priceCents - before.priceCents;
  const price = formatMoney(booking.priceCents, booking.currency);
  const money = (cents: number) => formatMoney(cents, booking.currency);
  return {
    title: `Booking moved: ${workspace.name} to ${formatDay(booking.startTime, timezone)}`,
    paragraphs: [
      `Your booking of ${workspace.name} has new times.`,
      difference > 0
        ? `The new times cost ${money(difference)} more: ${price} instead of ${money(before.priceCents)}.`
        : difference < 0
          ? `The new times cost ${money(-difference)} less: ${price} instead of ${money(before.priceCents)}. ` +
            'We confirm any refund in a separate message.'
          : `The price stays ${price}.`,
    ],
    details: [
      { label: 'Workspace', value: workspace.name },
      { label: 'Now', value: formatRange(booking.startTime, booking.endTime, timezone) },
      { label: 'Before', value: formatRange(before.startTime, before.endTime, timezone) },
      {
        label: 'Price',
        value:
          difference === 0
            ? `${price} (unchanged)`
            : `${price} (was ${money(before.priceCents)}; ${difference > 0 ? '+' : '−'}${money(Math.abs(difference))})`,
      },
      { label: 'Booking reference', value: booking.id },
    ],
  };
};
