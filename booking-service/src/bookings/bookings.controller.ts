import { ApiProblem, ApiUuidParam, Authenticated, CurrentPrincipal, Page, Roles, UuidParam } from '@cowork/service-kit';
import type { UserPrincipal } from '@cowork/service-kit';
import { Body, Controller, Delete, Get, Headers, HttpCode, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { BookingsService } from './bookings.service.js';
import { BookingDto, BookingPageDto } from './dto/booking.dto.js';
import { CreateBookingDto, ListBookingsQuery, RescheduleBookingDto } from './dto/booking-requests.dto.js';

const NOT_YOURS = 'No such booking, or not yours (BOOKING_NOT_FOUND)';
const DEPENDENCY =
  'user-service or workspace-service is unavailable; nothing was written (DEPENDENCY_UNAVAILABLE, Retry-After)';
const DECLINED =
  'The card was declined (PAYMENT_DECLINED, with declineCode and bookingId); the booking is PAYMENT_FAILED and its slot free';

@ApiTags('bookings')
@Controller('bookings')
export class BookingsController {
  constructor(private readonly bookings: BookingsService) {}

  @Post()
  @Authenticated()
  @ApiOperation({
    summary: 'Book a workspace for [startTime, endTime)',
    description:
      'The booking is for the caller (admins may pass userId). Validated through user-service (exists, ACTIVE) and ' +
      'workspace-service (exists, active, capacity, min/max duration, opening hours in its time zone), priced pro rata ' +
      'by the minute, written PENDING (holding the slot) with its booking.created event, then charged through ' +
      'payment-service with the booking id as idempotency key (paymentMethod, default pm_card_visa). Paid: 201 ' +
      'CONFIRMED. Declined: 402, PAYMENT_FAILED, slot released. payment-service unreachable or its provider failing: ' +
      '202 with the PENDING booking, held for BOOKING_HOLD_SECONDS (retry with POST /bookings/:id/confirm); an ' +
      'expired hold is released by the sweeper. Retry: send the same Idempotency-Key and body to get the same booking ' +
      'back (header Idempotent-Replayed: true; a PENDING one retries its charge, never charging twice); the same key ' +
      'with another body is 422.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description: '1 to 255 printable characters, unique per intended booking',
  })
  @ApiCreatedResponse({ type: BookingDto, description: 'Booked and paid: CONFIRMED' })
  @ApiAcceptedResponse({
    type: BookingDto,
    description: 'Held (PENDING) but the payment has not settled: confirm it with POST /bookings/:id/confirm',
  })
  @ApiProblem(400, 'Invalid input, INVALID_TIME_RANGE, or IDEMPOTENCY_KEY_REQUIRED')
  @ApiProblem(402, DECLINED)
  @ApiProblem(403, 'USER_SUSPENDED, or a member booking for someone else (FORBIDDEN)')
  @ApiProblem(404, 'USER_NOT_FOUND or WORKSPACE_NOT_FOUND')
  @ApiProblem(409, 'The time overlaps another active booking (BOOKING_CONFLICT)')
  @ApiProblem(
    422,
    'START_IN_PAST, WORKSPACE_INACTIVE, CAPACITY_EXCEEDED, DURATION_TOO_SHORT, DURATION_TOO_LONG, OUTSIDE_OPENING_HOURS, or IDEMPOTENCY_KEY_REUSED',
  )
  @ApiProblem(503, DEPENDENCY)
  async create(
    @CurrentPrincipal() principal: UserPrincipal,
    @Body() body: CreateBookingDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BookingDto> {
    const { booking, replayed, httpStatus } = await this.bookings.create(principal, body, idempotencyKey);
    void reply.status(httpStatus).header('location', `/bookings/${booking.id}`);
    if (replayed) void reply.header('idempotent-replayed', 'true');
    return booking;
  }

  @Get()
  @Authenticated()
  @ApiOperation({ summary: "Bookings, newest first: a member's own; an admin's all (filter by userId)" })
  @ApiOkResponse({ type: BookingPageDto })
  @ApiProblem(403, "A member asked for another user's bookings (FORBIDDEN)")
  list(@CurrentPrincipal() principal: UserPrincipal, @Query() query: ListBookingsQuery): Promise<Page<BookingDto>> {
    return this.bookings.list(principal, query);
  }

  @Get(':id')
  @Authenticated()
  @ApiOperation({ summary: 'One booking (its owner or an admin)' })
  @ApiOkResponse({ type: BookingDto })
  @ApiUuidParam('id', 'The booking id')
  @ApiProblem(404, NOT_YOURS)
  get(@CurrentPrincipal() principal: UserPrincipal, @UuidParam() id: string): Promise<BookingDto> {
    return this.bookings.get(principal, id);
  }

  @Post(':id/confirm')
  @Authenticated()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Settle a PENDING booking: retry its charge and confirm it (owner or admin)',
    description:
      'Retries the charge with the same idempotency key (never charged twice). Retry: confirming a CONFIRMED booking ' +
      'returns it unchanged. A hold that already expired is released (409), unless payment-service reports it paid.',
  })
  @ApiOkResponse({ type: BookingDto })
  @ApiUuidParam('id', 'The booking id')
  @ApiProblem(402, DECLINED)
  @ApiProblem(404, NOT_YOURS)
  @ApiProblem(
    409,
    'Not PENDING or its hold expired (INVALID_BOOKING_STATE), or changed concurrently (BOOKING_MODIFIED)',
  )
  @ApiProblem(
    503,
    'payment-service is still unavailable; the booking stays PENDING until its hold expires (DEPENDENCY_UNAVAILABLE)',
  )
  confirm(@CurrentPrincipal() principal: UserPrincipal, @UuidParam() id: string): Promise<BookingDto> {
    return this.bookings.confirm(principal, id);
  }

  @Post(':id/cancel')
  @Authenticated()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a booking and free its slot (owner or admin)',
    description:
      'Refunds in full up to CANCELLATION_FULL_REFUND_HOURS before the start, nothing after. The booking is ' +
      'CANCELLED once the refund is recorded, or queued for the sweeper while payment-service is unavailable. ' +
      'Retry: cancelling a CANCELLED booking returns it unchanged.',
  })
  @ApiOkResponse({ type: BookingDto })
  @ApiUuidParam('id', 'The booking id')
  @ApiProblem(404, NOT_YOURS)
  @ApiProblem(409, 'Changed concurrently (BOOKING_MODIFIED)')
  cancel(@CurrentPrincipal() principal: UserPrincipal, @UuidParam() id: string): Promise<BookingDto> {
    return this.bookings.cancel(principal, id);
  }

  @Patch(':id')
  @Authenticated()
  @ApiOperation({
    summary: 'Reschedule: new startTime and/or endTime (owner or admin)',
    description:
      'CONFIRMED bookings only. The same checks as a new booking, applied atomically: either the booking moves and is ' +
      'repriced, or nothing changes. A higher price charges the difference first; a lower one refunds it. Retry: ' +
      'asking for the times it already has returns it unchanged.',
  })
  @ApiOkResponse({ type: BookingDto })
  @ApiUuidParam('id', 'The booking id')
  @ApiProblem(402, 'The extra charge was declined (PAYMENT_DECLINED, with declineCode); the booking keeps its times')
  @ApiProblem(404, NOT_YOURS)
  @ApiProblem(409, 'BOOKING_CONFLICT, INVALID_BOOKING_STATE (not CONFIRMED) or BOOKING_MODIFIED')
  @ApiProblem(422, 'START_IN_PAST or a workspace rule (see POST /bookings)')
  @ApiProblem(
    503,
    `${DEPENDENCY}; or payment-service is unavailable for the extra charge (the booking keeps its times)`,
  )
  reschedule(
    @CurrentPrincipal() principal: UserPrincipal,
    @UuidParam() id: string,
    @Body() body: RescheduleBookingDto,
  ): Promise<BookingDto> {
    return this.bookings.reschedule(principal, id, body);
  }

  @Delete(':id')
  @Roles('ADMIN')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a booking that is no longer active and holds no money (admin)',
    description: "Emits booking.deleted with the booking's last state. Retry: a second DELETE answers 404.",
  })
  @ApiNoContentResponse()
  @ApiUuidParam('id', 'The booking id')
  @ApiProblem(404, 'No such booking (BOOKING_NOT_FOUND)')
  @ApiProblem(
    409,
    'The booking is PENDING or CONFIRMED, or still holds money (paid, refund owed, unresolved) (INVALID_BOOKING_STATE)',
  )
  async delete(@CurrentPrincipal() principal: UserPrincipal, @UuidParam() id: string): Promise<void> {
    await this.bookings.delete(principal, id);
  }
}
