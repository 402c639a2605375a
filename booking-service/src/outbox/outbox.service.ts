import { Page, ResourceNotFoundError, ValidationFailedError } from '@cowork/service-kit';
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
      decodePositionCursor(query.cursor),
    );
    const items = rows.slice(0, query.limit);
    const more = rows.length > query.limit;
    return {
      items: items.map(OutboxEventDto.from),
      nextCursor: more ? encodePositionCursor(items.at(-1)!.position) : null,
    };
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

/** The outbox pages by position (write order), which createdAt cannot give: one transaction's events share it. */
function encodePositionCursor(position: bigint): string {
  return Buffer.from(`p:${position}`).toString('base64url');
}

function decodePositionCursor(raw: string | undefined): bigint | undefined {
  if (!raw) return undefined;
  const match = /^p:(\d{1,18})$/.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  if (!match) throw ValidationFailedError.forField('cursor', "cursor must be a previous page's nextCursor");
  return BigInt(match[1]);
}
