import { Global, Module } from '@nestjs/common';
import { EventSubscribers } from './event-subscribers.js';
import { OutboxController } from './outbox.controller.js';
import { OutboxRelay } from './outbox-relay.js';
import { OutboxRepository } from './outbox.repository.js';
import { OutboxService } from './outbox.service.js';
import { OutboxWriter } from './outbox-writer.js';

/** The transactional outbox: the writer the booking repository uses, the relay, the admin view. */
@Global()
@Module({
  controllers: [OutboxController],
  providers: [EventSubscribers, OutboxWriter, OutboxRepository, OutboxRelay, OutboxService],
  exports: [OutboxWriter, OutboxRelay, OutboxRepository],
})
export class OutboxModule {}
