import { Module } from '@nestjs/common';
import { InternalEventsController } from './events.controller.js';
import { EventsService } from './events.service.js';
import { ReadModelRepository } from './read-model.repository.js';

@Module({
  controllers: [InternalEventsController],
  providers: [EventsService, ReadModelRepository],
})
export class EventsModule {}
