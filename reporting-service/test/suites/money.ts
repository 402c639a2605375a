import { days, hours, iso, ReportingServiceHarness, WorkspaceFixture } from '../support/harness.js';

/**
 * Money follows paidCents: whatever path a booking takes, what the summary and revenue reports
 * say was captured minus refunded equals payment-service's figures to the cent.
 */
export function moneySuite(h: ReportingServiceHarness): void {
  describe('money: captured, refunded, net', () => {
    let workspace: WorkspaceFixture;
    beforeAll(() => {
      workspace = h.workspace();
    });

    /** The summary's revenue for a window that holds only this test's events. */
    const revenueIn = async (from: Date, to = days(from, 28)) =>
      (await h.summary({ from: iso(from), to: iso(to) })).revenue;

    it('confirm 5000, cancel with a 5000 refund: captured 5000, refunded 5000, net 0', async () => {
      const base = h.window();
      const booking = h.booking(workspace, days(base, 10));
      await h.happen('booking.created', booking, {}, { occurredAt: hours(base, 1) });
      await h.happen(
        'booking.confirmed',
        booking,
        { status: 'CONFIRMED', paidCents: 5000 },
        { occurredAt: hours(base, 1) },
      );
      await h.happen(
        'booking.cancelled',
        booking,
        { status: 'CANCELLED' },
        { occurredAt: hours(base, 2), extra: { refundCents: 5000 } },
      );
      await h.happen(
        'refund.issued',
        booking,
        { paidCents: 0 },
        { occurredAt: hours(base, 3), extra: { refundCents: 5000 } },
      );
      expect(await revenueIn(base)).toEqual([
        { currency: 'EUR', capturedCents: 5000, refundedCents: 5000, netCents: 0 },
      ]);
    });

    it('a reschedule to a dearer slot captures the difference (+1000)', async () => {
      const base = h.window();
      const booking = h.booking(workspace, days(base, 10));
      await h.happen('booking.created', booking, {}, { occurredAt: hours(base, 1) });
      await h.happen(
        'booking.confirmed',
        booking,
        { status: 'CONFIRMED', paidCents: 5000 },
        { occurredAt: hours(base, 1) },
      );
      await h.happen(
        'booking.rescheduled',
        booking,
        { endTime: iso(hours(days(base, 10), 2.4)), priceCents: 6000, paidCents: 6000 },
        {
          occurredAt: hours(base, 2),
          extra: { previous: { startTime: booking.startTime, endTime: booking.endTime, priceCents: 5000 } },
        },
      );
      expect(await revenueIn(base)).toEqual([
        { currency: 'EUR', capturedCents: 6000, refundedCents: 0, netCents: 6000 },
      ]);
      const movements = await h.sql(
        'SELECT amount_cents FROM money_movements WHERE booking_id = $1 ORDER BY occurred_at',
        [booking.id],
      );
      expect(movements).toEqual([{ amount_cents: 5000 }, { amount_cents: 1000 }]);
    });

    it('a reschedule to a cheaper slot refunds the difference (-1000) when the refund is issued', async () => {
      const base = h.window();
      const booking = h.booking(workspace, days(base, 10));
      await h.happen('booking.created', booking, {}, { occurredAt: hours(base, 1) });
      await h.happen(
        'booking.confirmed',
        booking,
        { status: 'CONFIRMED', paidCents: 5000 },
        { occurredAt: hours(base, 1) },
      );
      // the new price is lower; the money stays captured until the refund goes out
      await h.happen('booking.rescheduled', booking, { priceCents: 4000 }, { occurredAt: hours(base, 2) });
      expect(await revenueIn(base)).toEqual([
        { currency: 'EUR', capturedCents: 5000, refundedCents: 0, netCents: 5000 },
      ]);
      await h.happen(
        'refund.issued',
        booking,
        { paidCents: 4000 },
        { occurredAt: hours(base, 3), extra: { refundCents: 1000 } },
      );
      expect(await revenueIn(base)).toEqual([
        { currency: 'EUR', capturedCents: 5000, refundedCents: 1000, netCents: 4000 },
      ]);
    });

    it('a hold that expired holding part of the price, refunded later: +3000 then -3000', async () => {
      const base = h.window();
      const booking = h.booking(workspace, days(base, 10));
      await h.happen('booking.created', booking, {}, { occurredAt: hours(base, 1) });
      // the sweeper found 3000 captured of 5000: EXPIRED, with the 3000 owed back
      await h.happen(
        'booking.expired',
        booking,
        { status: 'EXPIRED', paidCents: 3000 },
        { occurredAt: hours(base, 2) },
      );
      await h.happen(
        'refund.issued',
        booking,
        { paidCents: 0 },
        { occurredAt: hours(base, 3), extra: { refundCents: 3000 } },
      );
      expect(await revenueIn(base)).toEqual([
        { currency: 'EUR', capturedCents: 3000, refundedCents: 3000, netCents: 0 },
      ]);
    });

    it('expired while payment-service was unreachable, then reconciled: the money later seen is counted, then refunded', async () => {
      const base = h.window();
      const booking = h.booking(workspace, days(base, 10));
      await h.happen('booking.created', booking, {}, { occurredAt: hours(base, 1) });
      // outcome unknown at expiry: paidCents 0
      await h.happen('booking.expired', booking, { status: 'EXPIRED' }, { occurredAt: hours(base, 2) });
      expect(await revenueIn(base)).toEqual([]);
      // reconciliation found the 5000 charge; the refund event still shows it before (paidCents 5000)...
      await h.happen(
        'refund.issued',
        booking,
        { paidCents: 5000 },
        { occurredAt: hours(base, 3), extra: { refundCents: 0 } },
      );
      // ...and then money goes back
      await h.happen(
        'refund.issued',
        booking,
        { paidCents: 0 },
        { occurredAt: hours(base, 4), extra: { refundCents: 5000 } },
      );
      expect(await revenueIn(base)).toEqual([
        { currency: 'EUR', capturedCents: 5000, refundedCents: 5000, netCents: 0 },
      ]);
    });

    it('a reconciliation whose capture and refund show only as a refund nets to 0, as payment-service does', async () => {
      const base = h.window();
      const booking = h.booking(workspace, days(base, 10));
      await h.happen('booking.created', booking, {}, { occurredAt: hours(base, 1) });
      await h.happen('booking.expired', booking, { status: 'EXPIRED' }, { occurredAt: hours(base, 2) });
      // booking-service recorded the captured 5000 without an event, then refunded it: paidCents stays 0
      await h.happen(
        'refund.issued',
        booking,
        { paidCents: 0 },
        { occurredAt: hours(base, 3), extra: { refundCents: 5000 } },
      );
      expect(await revenueIn(base)).toEqual([]);
      expect(await h.count('money_movements', 'booking_id = $1', [booking.id])).toBe(0);
    });

    it('keeps currencies apart (EUR and JPY), ordered by currency', async () => {
      const base = h.window();
      const eur = h.booking(workspace, days(base, 10));
      const jpy = h.booking(workspace, days(base, 11), { currency: 'JPY', priceCents: 12000 });
      for (const [booking, paid] of [
        [eur, 5000],
        [jpy, 12000],
      ] as const) {
        await h.happen('booking.created', booking, {}, { occurredAt: hours(base, 1) });
        await h.happen(
          'booking.confirmed',
          booking,
          { status: 'CONFIRMED', paidCents: paid },
          { occurredAt: hours(base, 2) },
        );
      }
      await h.happen(
        'refund.issued',
        jpy,
        { paidCents: 9000 },
        { occurredAt: hours(base, 3), extra: { refundCents: 3000 } },
      );
      expect(await revenueIn(base)).toEqual([
        { currency: 'EUR', capturedCents: 5000, refundedCents: 0, netCents: 5000 },
        { currency: 'JPY', capturedCents: 12000, refundedCents: 3000, netCents: 9000 },
      ]);
    });

    it('counts money by when it moved: [from, to) is half-open', async () => {
      const base = h.window();
      const booking = h.booking(workspace, days(base, 10));
      await h.happen('booking.created', booking, {}, { occurredAt: hours(base, 1) });
      await h.happen(
        'booking.confirmed',
        booking,
        { status: 'CONFIRMED', paidCents: 5000 },
        { occurredAt: hours(base, 5) },
      );
      expect(await revenueIn(hours(base, 5), hours(base, 6))).toHaveLength(1);
      expect(await revenueIn(hours(base, 4), hours(base, 5))).toEqual([]);
    });
  });

  describe('GET /reports/revenue', () => {
    it('buckets by UTC day, ISO week (from Monday) and month, per currency, aggregated exactly', async () => {
      // its own weeks, across a month end: Monday 30 January 2040 to February
      const base = new Date('2040-01-30T00:00:00Z');
      const workspace = h.workspace();
      const pay = async (at: Date, cents: number, currency = 'EUR') => {
        const booking = h.booking(workspace, days(base, 20), { currency, priceCents: cents });
        await h.happen('booking.created', booking, {}, { occurredAt: at });
        await h.happen('booking.confirmed', booking, { status: 'CONFIRMED', paidCents: cents }, { occurredAt: at });
        return booking;
      };
      await pay(hours(base, 1), 1000);
      await pay(hours(base, 23.5), 2000);
      const refunded = await pay(hours(days(base, 1), 1), 4000); // 31 January
      await pay(hours(days(base, 6), 1), 500, 'JPY'); // Sunday 5 February: still the first ISO week
      await h.happen(
        'refund.issued',
        refunded,
        { paidCents: 1000 },
        { occurredAt: hours(days(base, 8), 2), extra: { refundCents: 3000 } },
      );
      const query = { from: iso(days(base, -3)), to: iso(days(base, 30)) };
      const bucket = (periodStart: string, currency: string, capturedCents: number, refundedCents: number) => ({
        periodStart: new Date(periodStart).toISOString(),
        currency,
        capturedCents,
        refundedCents,
        netCents: capturedCents - refundedCents,
      });

      const byDay = await h.revenue({ ...query, groupBy: 'day' });
      expect(byDay).toMatchObject({ from: query.from, to: query.to, groupBy: 'day' });
      expect(byDay.items).toEqual([
        bucket('2040-01-30T00:00:00Z', 'EUR', 3000, 0),
        bucket('2040-01-31T00:00:00Z', 'EUR', 4000, 0),
        bucket('2040-02-05T00:00:00Z', 'JPY', 500, 0),
        bucket('2040-02-07T00:00:00Z', 'EUR', 0, 3000),
      ]);
      expect((await h.revenue({ ...query, groupBy: 'week' })).items).toEqual([
        bucket('2040-01-30T00:00:00Z', 'EUR', 7000, 0),
        bucket('2040-01-30T00:00:00Z', 'JPY', 500, 0),
        bucket('2040-02-06T00:00:00Z', 'EUR', 0, 3000),
      ]);
      expect((await h.revenue({ ...query, groupBy: 'month' })).items).toEqual([
        bucket('2040-01-01T00:00:00Z', 'EUR', 7000, 0),
        bucket('2040-02-01T00:00:00Z', 'EUR', 0, 3000),
        bucket('2040-02-01T00:00:00Z', 'JPY', 500, 0),
      ]);
      // by day unless asked; only movements inside [from, to) count, even in a bucket reaching beyond it
      expect((await h.revenue(query)).items).toEqual(byDay.items);
      expect((await h.revenue({ from: iso(hours(base, 12)), to: query.to, groupBy: 'month' })).items[0]).toEqual(
        bucket('2040-01-01T00:00:00Z', 'EUR', 6000, 0),
      );
    });
  });
}
