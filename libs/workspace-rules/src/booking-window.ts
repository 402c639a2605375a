import { isWithinOpeningHours, OpeningRange } from './opening-hours.js';

/** What a workspace allows; the subset of a workspace the booking rules read. */
export interface WorkspaceRules {
  active: boolean;
  capacity: number;
  timezone: string;
  openingHours: OpeningRange[] | null;
  minBookingMinutes: number;
  maxBookingMinutes: number;
  hourlyRateCents: number;
  currency: string;
}

export interface BookingRequest {
  start: Date;
  end: Date;
  attendees: number;
}

export type BookingRuleCode =
  'WORKSPACE_INACTIVE' | 'CAPACITY_EXCEEDED' | 'DURATION_TOO_SHORT' | 'DURATION_TOO_LONG' | 'OUTSIDE_OPENING_HOURS';

export interface BookingRuleBreach {
  code: BookingRuleCode;
  detail: string;
}

/** The first rule a booking request breaks, or undefined when the workspace can take it. */
export function checkBookingRules(rules: WorkspaceRules, request: BookingRequest): BookingRuleBreach | undefined {
  if (!rules.active) return { code: 'WORKSPACE_INACTIVE', detail: 'The workspace is not taking bookings' };
  if (request.attendees > rules.capacity) {
    return {
      code: 'CAPACITY_EXCEEDED',
      detail: `${request.attendees} attendees exceed the capacity of ${rules.capacity}`,
    };
  }
  const minutes = durationMinutes(request.start, request.end);
  if (minutes < rules.minBookingMinutes) {
    return { code: 'DURATION_TOO_SHORT', detail: `Bookings here last at least ${rules.minBookingMinutes} minutes` };
  }
  if (minutes > rules.maxBookingMinutes) {
    return { code: 'DURATION_TOO_LONG', detail: `Bookings here last at most ${rules.maxBookingMinutes} minutes` };
  }
  if (!isWithinOpeningHours(rules.openingHours, rules.timezone, request.start, request.end)) {
    return {
      code: 'OUTSIDE_OPENING_HOURS',
      detail: `The workspace is not open for the whole of the requested time (opening hours are in ${rules.timezone})`,
    };
  }
  return undefined;
}

export function durationMinutes(start: Date, end: Date): number {
  return (end.getTime() - start.getTime()) / 60_000;
}

/**
 * Price of [start, end) at an hourly rate, pro rata by the minute, rounded half-up to the minor
 * unit, in integer arithmetic (no floating point touches money).
 */
export function priceForRange(hourlyRateCents: number, start: Date, end: Date): number {
  const minutes = Math.round(durationMinutes(start, end));
  // minutes * rate / 60, rounded half-up  ==  floor((2 * minutes * rate + 60) / 120)
  return Math.floor((2 * minutes * hourlyRateCents + 60) / 120);
}
