import { Module } from '@nestjs/common';
import { EventConsumer } from './event-consumer.service.js';
import { InternalEventsController } from './internal-events.controller.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsRepository } from './notifications.repository.js';
import { NotificationsService } from './notifications.service.js';

@Module({
  controllers: [NotificationsController, InternalEventsController],
  providers: [NotificationsService, EventConsumer, NotificationsRepository],
})
export class NotificationsModule {}
