import { decodeCursor, Page, ResourceNotFoundError, toPage } from '@cowork/service-kit';
import { Injectable, Logger } from '@nestjs/common';
import { ListOutboxQuery, OutboxEventDto } from './dto/outbox.dto.js';
import { OutboxRepository } from './outbox.repository.js';

/** The admin's view of event delivery: what is stuck, and re-driving it. */
@Injectable()
export class OutboxService {
  private readonly logger = new Logger(OutboxService.name);

  constructor(private readonly outbox: OutboxRepository) {}

  async list(query: ListOutboxQuery): Promise<Page<OutboxEventDto>> {
    const rows = await this.outbox.list(
      { status: query.status, subscriber: query.subscriber },
      query.limit,
      decodeCursor(query.cursor),
    );
    return toPage(rows, query.limit, OutboxEventDto.from);
  }

  /**
   * Re-drives the event's DEAD deliveries (attempt budget reset, due now); later events of the
   * same booking, held back behind it, follow once it is delivered. Idempotent: with nothing
   * dead, the event is returned as it is.
   */
  async retry(id: string, actorId: string): Promise<OutboxEventDto> {
    const redriven = await this.outbox.redrive(id);
    const event = await this.outbox.findEvent(id);
    if (!event) throw new ResourceNotFoundError('Outbox event', id);
    if (redriven > 0) this.logger.log(`admin ${actorId} re-drove ${redriven} dead deliveries of event ${id}`);
    return OutboxEventDto.from(event);
  }
}
