import type { BookingEventPayload } from '@cowork/booking-events';
import { NotificationType } from '../generated/prisma/enums.js';
import { escapeHtml, formatMoney, formatRange, oneLine, openingHoursOn } from './format.js';
import { renderNotification } from './index.js';

const NBSP = '\u00a0';
const USER_ID = '541f0e3c-8a1b-4c55-9d0e-2f1c3c0d9e11';

/** A Lovelace Room booking, Mon 30 Nov 2026 10:00-12:00 Berlin time (UTC+1), 5000 EUR, paid. */
function payload(overrides: Partial<BookingEventPayload> = {}): BookingEventPayload {
  return {
    booking: {
      id: '5d0e2a34-1111-4222-8333-944455556666',
      userId: USER_ID,
      workspaceId: '48520801-2222-4333-8444-955566667777',
      startTime: '2026-11-30T09:00:00.000Z',
      endTime: '2026-11-30T11:00:00.000Z',
      attendees: 2,
      status: 'CONFIRMED',
      priceCents: 5000,
      currency: 'EUR',
      paidCents: 5000,
      version: 1,
      createdAt: '2026-11-25T10:00:00.000Z',
      ...overrides.booking,
    },
    user: { id: USER_ID, email: 'ada@example.com', fullName: 'Ada Lovelace', ...overrides.user },
    workspace: {
      id: '48520801-2222-4333-8444-955566667777',
      name: 'Lovelace Room',
      timezone: 'Europe/Berlin',
      openingHours: [1, 2, 3, 4, 5].map((day) => ({ day, open: '08:00', close: '20:00' })),
      ...overrides.workspace,
    },
    actorId: USER_ID,
    ...Object.fromEntries(Object.entries(overrides).filter(([k]) => !['booking', 'user', 'workspace'].includes(k))),
  };
}

describe('formatting', () => {
  it('renders a range in the workspace time zone, naming it', () => {
    expect(formatRange('2026-11-30T09:00:00Z', '2026-11-30T11:00:00Z', 'Europe/Berlin')).toBe(
      'Mon 30 Nov 2026, 10:00–12:00 (Europe/Berlin)',
    );
    expect(formatRange('2026-11-30T09:00:00Z', '2026-11-30T11:00:00Z', 'America/New_York')).toBe(
      'Mon 30 Nov 2026, 04:00–06:00 (America/New_York)',
    );
    expect(formatRange('2026-11-30T09:00:00Z', '2026-11-30T11:00:00Z', 'Asia/Tokyo')).toBe(
      'Mon 30 Nov 2026, 18:00–20:00 (Asia/Tokyo)',
    );
  });

  it('keeps wall-clock times right on the days the clocks change (DST)', () => {
    // 29 Mar 2026: Berlin goes from UTC+1 to UTC+2 at 01:00Z; the same local hours are an hour earlier in UTC
    expect(formatRange('2026-03-28T09:00:00Z', '2026-03-28T11:00:00Z', 'Europe/Berlin')).toBe(
      'Sat 28 Mar 2026, 10:00–12:00 (Europe/Berlin)',
    );
    expect(formatRange('2026-03-29T08:00:00Z', '2026-03-29T10:00:00Z', 'Europe/Berlin')).toBe(
      'Sun 29 Mar 2026, 10:00–12:00 (Europe/Berlin)',
    );
    // 25 Oct 2026: two real hours across the change read 02:30 CEST to 03:30 CET
    expect(formatRange('2026-10-25T00:30:00Z', '2026-10-25T02:30:00Z', 'Europe/Berlin')).toBe(
      'Sun 25 Oct 2026, 02:30–03:30 (Europe/Berlin)',
    );
  });

  it('names both days of a range over midnight, and writes an end at midnight as 24:00', () => {
    expect(formatRange('2026-01-09T19:00:00Z', '2026-01-10T01:00:00Z', 'Europe/Berlin')).toBe(
      'Fri 9 Jan 2026, 20:00 – Sat 10 Jan 2026, 02:00 (Europe/Berlin)',
    );
    expect(formatRange('2026-01-09T19:00:00Z', '2026-01-09T23:00:00Z', 'Europe/Berlin')).toBe(
      'Fri 9 Jan 2026, 20:00–24:00 (Europe/Berlin)',
    );
  });

  it('formats integer minor units for their currency, 0-decimal and 3-decimal ones included', () => {
    expect(formatMoney(5000, 'EUR')).toBe('€50.00');
    expect(formatMoney(5, 'EUR')).toBe('€0.05');
    expect(formatMoney(0, 'EUR')).toBe('€0.00');
    expect(formatMoney(5000, 'JPY')).toBe('JP¥5,000');
    expect(formatMoney(1234, 'BHD')).toBe(`BHD${NBSP}1.234`);
    expect(formatMoney(123_456_789, 'GBP')).toBe('£1,234,567.89');
    expect(formatMoney(999_999_999_99, 'USD')).toBe('US$999,999,999.99');
    expect(formatMoney(-1000, 'EUR')).toBe('-€10.00');
  });

  it('reads the opening hours of the booking’s local day with the shared workspace rules', () => {
    const hours = [
      { day: 1, open: '08:00', close: '12:00' },
      { day: 1, open: '13:00', close: '24:00' },
    ];
    expect(openingHoursOn(hours, '2026-11-30T09:00:00Z', 'Europe/Berlin')).toBe('08:00–12:00, 13:00–24:00');
    expect(openingHoursOn(hours, '2026-12-01T09:00:00Z', 'Europe/Berlin')).toBe('closed');
    expect(openingHoursOn(null, '2026-11-30T09:00:00Z', 'Europe/Berlin')).toBeUndefined();
  });

  it('escapes HTML and flattens titles to one bounded line', () => {
    expect(escapeHtml(`<a href="x">Tom & Jerry's</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;',
    );
    expect(oneLine('Room\r\nBcc: evil@example.com\t  A', 200)).toBe('Room Bcc: evil@example.com A');
    expect(oneLine('x'.repeat(300), 200)).toHaveLength(200);
    expect(oneLine('x'.repeat(300), 200).endsWith('…')).toBe(true);
  });
});

describe('notification templates', () => {
  it('confirmed: title, local times, opening hours that day, attendees and price', () => {
    const n = renderNotification(NotificationType.BOOKING_CONFIRMED, payload());
    expect(n.title).toBe('Booking confirmed: Lovelace Room on Mon 30 Nov 2026');
    expect(n.body).toContain('Your booking of Lovelace Room is confirmed.');
    expect(n.body).toContain('When: Mon 30 Nov 2026, 10:00–12:00 (Europe/Berlin)');
    expect(n.body).toContain('Opening hours that day: 08:00–20:00');
    expect(n.body).toContain('Attendees: 2');
    expect(n.body).toContain('Price: €50.00');
    expect(n.text.startsWith('Hi Ada Lovelace,\n\n')).toBe(true);
    expect(n.html).toContain('<td style="padding:4px 0">Mon 30 Nov 2026, 10:00–12:00 (Europe/Berlin)</td>');
  });

  it('confirmed on a DST day in another zone: the local date and hours of that zone', () => {
    const n = renderNotification(
      NotificationType.BOOKING_CONFIRMED,
      payload({
        booking: { startTime: '2026-03-08T15:00:00.000Z', endTime: '2026-03-08T17:00:00.000Z' } as never,
        workspace: { timezone: 'America/New_York', openingHours: null } as never,
      }),
    );
    // 8 Mar 2026: New York moves to UTC-4 at 07:00Z, so 15:00Z is 11:00 local
    expect(n.title).toBe('Booking confirmed: Lovelace Room on Sun 8 Mar 2026');
    expect(n.body).toContain('When: Sun 8 Mar 2026, 11:00–13:00 (America/New_York)');
    expect(n.body).not.toContain('Opening hours');
  });

  it('cancelled: mentions the refund granted, or that none is due, and who cancelled', () => {
    const refunded = renderNotification(NotificationType.BOOKING_CANCELLED, payload({ refundCents: 2500 }));
    expect(refunded.title).toBe('Booking cancelled: Lovelace Room on Mon 30 Nov 2026');
    expect(refunded.body).toContain('You cancelled your booking of Lovelace Room for Mon 30 Nov 2026, 10:00–12:00');
    expect(refunded.body).toContain('A refund of €25.00 is on its way');
    expect(refunded.body).toContain('Refund: €25.00');

    const none = renderNotification(NotificationType.BOOKING_CANCELLED, payload({ refundCents: 0 }));
    expect(none.body).toContain('No refund is due under the cancellation policy.');
    expect(none.body).not.toContain('Refund:');

    const unpaid = renderNotification(
      NotificationType.BOOKING_CANCELLED,
      payload({ refundCents: 0, booking: { paidCents: 0 } as never }),
    );
    expect(unpaid.body).not.toMatch(/refund/i);

    const byAdmin = renderNotification(
      NotificationType.BOOKING_CANCELLED,
      payload({ refundCents: 5000, actorId: '99999999-2222-4333-8444-955566667777' }),
    );
    expect(byAdmin.body).toContain('was cancelled by the Cowork team');
  });

  it('rescheduled: old and new times and the price difference either way', () => {
    const previous = { startTime: '2026-11-29T09:00:00.000Z', endTime: '2026-11-29T10:00:00.000Z', priceCents: 2500 };
    const dearer = renderNotification(NotificationType.BOOKING_RESCHEDULED, payload({ previous }));
    expect(dearer.title).toBe('Booking moved: Lovelace Room to Mon 30 Nov 2026');
    expect(dearer.body).toContain('Now: Mon 30 Nov 2026, 10:00–12:00 (Europe/Berlin)');
    expect(dearer.body).toContain('Before: Sun 29 Nov 2026, 10:00–11:00 (Europe/Berlin)');
    expect(dearer.body).toContain('The new times cost €25.00 more: €50.00 instead of €25.00.');
    expect(dearer.body).toContain('Price: €50.00 (was €25.00; +€25.00)');

    const cheaper = renderNotification(
      NotificationType.BOOKING_RESCHEDULED,
      payload({ previous: { ...previous, priceCents: 7000 } }),
    );
    expect(cheaper.body).toContain('The new times cost €20.00 less: €50.00 instead of €70.00.');
    expect(cheaper.body).toContain('Price: €50.00 (was €70.00; −€20.00)');

    const same = renderNotification(
      NotificationType.BOOKING_RESCHEDULED,
      payload({ previous: { ...previous, priceCents: 5000 } }),
    );
    expect(same.body).toContain('The price stays €50.00.');
    expect(same.body).toContain('Price: €50.00 (unchanged)');
  });

  it('payment failed: the decline code in words, and an unknown one named', () => {
    const n = renderNotification(NotificationType.PAYMENT_FAILED, payload({ declineCode: 'insufficient_funds' }));
    expect(n.title).toBe('Payment failed: Lovelace Room on Mon 30 Nov 2026');
    expect(n.body).toContain(
      'We could not take the payment of €50.00 for your booking of Lovelace Room for Mon 30 Nov 2026, 10:00–12:00 ' +
        '(Europe/Berlin): the card has insufficient funds.',
    );
    expect(n.body).toContain('Reason: The card has insufficient funds');
    expect(n.body).toContain('the slot was released');
    expect(
      renderNotification(NotificationType.PAYMENT_FAILED, payload({ declineCode: 'card_declined' })).body,
    ).toContain('your card was declined');
    expect(renderNotification(NotificationType.PAYMENT_FAILED, payload({ declineCode: 'velocity_x' })).body).toContain(
      'the payment was declined (code “velocity_x”)',
    );
  });

  it('refund issued: the amount returned now, in the booking currency', () => {
    const n = renderNotification(
      NotificationType.REFUND_ISSUED,
      payload({ refundCents: 3000, booking: { currency: 'JPY', priceCents: 5000, paidCents: 2000 } as never }),
    );
    expect(n.title).toBe('Refund of JP¥3,000 issued: Lovelace Room');
    expect(n.body).toContain('We refunded JP¥3,000 for your booking of Lovelace Room');
    expect(n.body).toContain('Paid after refunds: JP¥2,000');
  });

  it('hold expired: the slot was released', () => {
    const n = renderNotification(NotificationType.HOLD_EXPIRED, payload({ booking: { paidCents: 0 } as never }));
    expect(n.title).toBe('Hold expired: Lovelace Room on Mon 30 Nov 2026');
    expect(n.body).toContain(
      'Your hold on Lovelace Room for Mon 30 Nov 2026, 10:00–12:00 (Europe/Berlin) expired before the booking could be ' +
        'confirmed, so the slot was released.',
    );
  });

  it.each(Object.values(NotificationType))(
    '%s escapes a hostile workspace name and user name in the HTML part only',
    (type) => {
      const hostile = payload({
        workspace: { name: '<script>alert(1)</script> & Co' } as never,
        user: { fullName: `Ada "<img src=x onerror=alert(2)>" O'Brien` } as never,
        previous: { startTime: '2026-11-29T09:00:00.000Z', endTime: '2026-11-29T10:00:00.000Z', priceCents: 2500 },
        refundCents: 1000,
        declineCode: '<b>bad</b>',
      });
      const n = renderNotification(type, hostile);
      expect(n.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
      expect(n.html).toContain('Hi Ada &quot;&lt;img src=x onerror=alert(2)&gt;&quot; O&#39;Brien,');
      expect(n.html).not.toMatch(/<script|<img|<b>/);
      // plain-text parts carry the names as they are
      expect(n.text).toContain('<script>alert(1)</script> & Co');
      expect(n.title).toContain('<script>alert(1)</script> & Co');
    },
  );

  it('keeps a title to one line of at most 200 characters whatever the workspace is called', () => {
    const n = renderNotification(
      NotificationType.BOOKING_CONFIRMED,
      payload({ workspace: { name: `Room\r\nBcc: evil@example.com ${'x'.repeat(400)}` } as never }),
    );
    expect(n.title).not.toMatch(/[\r\n]/);
    expect([...n.title]).toHaveLength(200);
  });
});
