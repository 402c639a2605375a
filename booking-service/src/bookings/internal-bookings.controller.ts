import { ServiceOnly } from '@cowork/service-kit';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BookingCountsDto, BookingCountsQuery } from './dto/booking-counts.dto.js';
import { BookingsRepository } from './bookings.repository.js';

/** Called by other services only (service tokens). */
@ApiTags('internal')
@Controller('internal/bookings')
export class InternalBookingsController {
  constructor(private readonly bookings: BookingsRepository) {}

  @Get('counts')
  @ServiceOnly()
  @ApiOperation({ summary: 'How many bookings (any status) each user has (admin-service user list)' })
  @ApiOkResponse({ type: BookingCountsDto })
  async counts(@Query() query: BookingCountsQuery): Promise<BookingCountsDto> {
    const counts = await this.bookings.countByUser(query.userId);
    return { counts: Object.fromEntries(query.userId.map((id) => [id, counts.get(id) ?? 0])) };
  }
}
