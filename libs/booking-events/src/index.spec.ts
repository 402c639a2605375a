import { BOOKING_EVENT_TYPES, isBookingEventType } from './index.js';

describe('booking event types', () => {
  it('recognises every published type', () => {
    for (const type of BOOKING_EVENT_TYPES) expect(isBookingEventType(type)).toBe(true);
  });

  it('does not recognise a type booking-service never publishes', () => {
    expect(isBookingEventType('booking.teleported')).toBe(false);
    expect(isBookingEventType('')).toBe(false);
  });
});
