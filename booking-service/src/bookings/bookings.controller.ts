import { ApiProblem, ApiUuidParam, Authenticated, CurrentPrincipal, Page, Roles, UuidParam } from '@cowork/service-kit';
import type { UserPrincipal } from '@cowork/service-kit';
import { Body, Controller, Delete, Get, Headers, HttpCode, Patch, Post, Query, Res } from '@nestjs/common';
import {
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
      'by the minute, and written PENDING with its booking.created event. Retry: send the same Idempotency-Key and body ' +
      'to get the same booking back (header Idempotent-Replayed: true); the same key with another body is 422.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description: '1 to 255 printable characters, unique per intended booking',
  })
  @ApiCreatedResponse({ type: BookingDto })
  @ApiProblem(400, 'Invalid input, INVALID_TIME_RANGE, or IDEMPOTENCY_KEY_REQUIRED')
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
    const { booking, replayed } = await this.bookings.create(principal, body, idempotencyKey);
    void reply.status(201).header('location', `/bookings/${booking.id}`);
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
    summary: 'Confirm a PENDING booking (owner or admin)',
    description: 'Retry: confirming a CONFIRMED booking returns it unchanged.',
  })
  @ApiOkResponse({ type: BookingDto })
  @ApiUuidParam('id', 'The booking id')
  @ApiProblem(404, NOT_YOURS)
  @ApiProblem(409, 'Not PENDING (INVALID_BOOKING_STATE), or changed concurrently (BOOKING_MODIFIED)')
  confirm(@CurrentPrincipal() principal: UserPrincipal, @UuidParam() id: string): Promise<BookingDto> {
    return this.bookings.confirm(principal, id);
  }

  @Post(':id/cancel')
  @Authenticated()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a booking and free its slot (owner or admin)',
    description: 'Retry: cancelling a CANCELLED booking returns it unchanged.',
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
      'The same checks as a new booking, applied atomically: either the booking moves and is repriced, or nothing ' +
      'changes. Retry: asking for the times it already has returns it unchanged.',
  })
  @ApiOkResponse({ type: BookingDto })
  @ApiUuidParam('id', 'The booking id')
  @ApiProblem(404, NOT_YOURS)
  @ApiProblem(409, 'BOOKING_CONFLICT, INVALID_BOOKING_STATE (not active) or BOOKING_MODIFIED')
  @ApiProblem(422, 'START_IN_PAST or a workspace rule (see POST /bookings)')
  @ApiProblem(503, DEPENDENCY)
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
    summary: 'Delete a booking that is cancelled or was never confirmed (admin)',
    description: "Emits booking.deleted with the booking's last state. Retry: a second DELETE answers 404.",
  })
  @ApiNoContentResponse()
  @ApiUuidParam('id', 'The booking id')
  @ApiProblem(404, 'No such booking (BOOKING_NOT_FOUND)')
  @ApiProblem(409, 'The booking is CONFIRMED (INVALID_BOOKING_STATE)')
  async delete(@CurrentPrincipal() principal: UserPrincipal, @UuidParam() id: string): Promise<void> {
    await this.bookings.delete(principal, id);
  }
}
