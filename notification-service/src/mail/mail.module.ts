import { Module } from '@nestjs/common';
import { DeliveryRepository } from './delivery.repository.js';
import { MailDispatcher } from './mail-dispatcher.js';
import { MailSink } from './mail-sink.js';
import { MailTransport } from './mail-transport.js';
import { OutboxMailController } from './outbox-mail.controller.js';

/** Email delivery: the background dispatcher, the SMTP transport and the development mail sink. */
@Module({
  controllers: [OutboxMailController],
  providers: [DeliveryRepository, MailTransport, MailSink, MailDispatcher],
  exports: [MailDispatcher],
})
export class MailModule {}
