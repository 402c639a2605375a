import type { BookingEventType } from '@cowork/booking-events';
import { EventEnvelopeDto, FieldViolation, flattenViolations, ValidationFailedError } from '@cowork/service-kit';
import { isValidTimeZone, OpeningRange, openingHoursViolations } from '@cowork/workspace-rules';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { BookingChange } from './booking-projection.js';
import { BookingEventPayloadDto } from './dto/booking-event-payload.dto.js';

/**
 * Checks everything the read model needs from a version-1 booking event and turns it into a
 * BookingChange; anything missing or wrong is 400 VALIDATION_FAILED naming each field
 * (`payload.booking.paidCents`), before anything is written.
 */
export function parseBookingEvent(envelope: EventEnvelopeDto & { type: BookingEventType }): BookingChange {
  const payload = plainToInstance(BookingEventPayloadDto, envelope.payload);
  const violations = flattenViolations(validateSync(payload), 'payload');
  if (violations.length > 0) throw new ValidationFailedError(violations);

  const { booking, workspace } = payload;
  const startTime = new Date(booking.startTime);
  const endTime = new Date(booking.endTime);
  const createdAt = new Date(booking.createdAt);
  const more: FieldViolation[] = [];
  const violation = (field: string, message: string) => more.push({ field, messages: [message] });
  for (const [field, date] of [
    ['startTime', startTime],
    ['endTime', endTime],
    ['createdAt', createdAt],
  ] as const) {
    if (Number.isNaN(date.getTime())) violation(`payload.booking.${field}`, `${field} is not a valid date and time`);
  }
  if (endTime.getTime() <= startTime.getTime()) violation('payload.booking.endTime', 'endTime must be after startTime');
  if (booking.id !== envelope.aggregateId) violation('payload.booking.id', 'booking.id must equal aggregateId');
  if (workspace.id !== booking.workspaceId) {
    violation('payload.workspace.id', 'workspace.id must equal booking.workspaceId');
  }
  if (!isValidTimeZone(workspace.timezone)) {
    violation('payload.workspace.timezone', 'timezone must be an IANA time zone, e.g. Europe/Berlin');
  }
  if (workspace.openingHours) {
    for (const v of openingHoursViolations(
      workspace.openingHours as OpeningRange[],
      'payload.workspace.openingHours',
    )) {
      violation(v.field, v.message);
    }
  }
  if (envelope.type === 'refund.issued' && payload.refundCents === undefined) {
    violation('payload.refundCents', 'refund.issued must carry refundCents');
  }
  if (more.length > 0) throw new ValidationFailedError(more);

  return {
    event: {
      id: envelope.id,
      type: envelope.type,
      source: envelope.source,
      sequence: envelope.sequence,
      occurredAt: new Date(envelope.occurredAt),
    },
    booking: {
      id: booking.id,
      userId: booking.userId,
      workspaceId: booking.workspaceId,
      status: booking.status,
      startTime,
      endTime,
      attendees: booking.attendees,
      priceCents: booking.priceCents,
      currency: booking.currency,
      paidCents: booking.paidCents,
      createdAt,
    },
    workspace: {
      id: workspace.id,
      name: workspace.name,
      timezone: workspace.timezone,
      openingHours: workspace.openingHours
        ? workspace.openingHours.map(({ day, open, close }) => ({ day, open, close }))
        : null,
    },
  };
}
