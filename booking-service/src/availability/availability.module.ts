import { Module } from '@nestjs/common';
import { BookingsModule } from '../bookings/bookings.module.js';
import { AvailabilityController } from './availability.controller.js';
import { AvailabilityService } from './availability.service.js';

@Module({ imports: [BookingsModule], controllers: [AvailabilityController], providers: [AvailabilityService] })
export class AvailabilityModule {}
