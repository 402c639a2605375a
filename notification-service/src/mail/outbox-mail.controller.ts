import { ApiProblem, Roles } from '@cowork/service-kit';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OutboxMailDto, OutboxMailQuery } from './dto/outbox-mail.dto.js';
import { MailSink } from './mail-sink.js';
import { MailSinkDisabledError } from './mail.errors.js';

@ApiTags('internal')
@Controller('internal')
export class OutboxMailController {
  constructor(private readonly sink: MailSink) {}

  @Get('outbox-mail')
  @Roles('ADMIN')
  @ApiOperation({
    summary: 'DEVELOPMENT ONLY: emails the embedded mail sink received, newest first',
    description:
      'Only when no SMTP_HOST is configured: the service then sends its emails over SMTP to an embedded sink ' +
      'that keeps them under DATA_DIR/notification-service/mail instead of delivering them.',
  })
  @ApiOkResponse({ type: OutboxMailDto })
  @ApiProblem(404, 'A real SMTP server is configured, so there is no sink (MAIL_SINK_DISABLED)')
  async list(@Query() query: OutboxMailQuery): Promise<OutboxMailDto> {
    if (!this.sink.enabled) throw new MailSinkDisabledError();
    return { items: await this.sink.list({ to: query.to, limit: query.limit }) };
  }
}
