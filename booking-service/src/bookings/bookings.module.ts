import { Module } from '@nestjs/common';
import { BookingRepricing } from './booking-repricing.js';
import { BookingSettlement } from './booking-settlement.js';
import { BookingsController } from './bookings.controller.js';
import { InternalBookingsController } from './internal-bookings.controller.js';
import { MoneySweeper } from './money-sweeper.js';
import { BookingsRepository } from './bookings.repository.js';
import { BookingsService } from './bookings.service.js';

@Module({
  controllers: [BookingsController, InternalBookingsController],
  providers: [BookingsService, BookingsRepository, BookingSettlement, BookingRepricing, MoneySweeper],
  exports: [BookingsRepository, MoneySweeper],
})
export class BookingsModule {}
