import { applyDecorators, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ServiceOnly } from '../auth/auth.decorators.js';
import { ApiProblem } from '../bootstrap/openapi.js';
import { EVENT_BATCH_MAX_EVENTS, EventBatchDto, EventBatchReceiptsDto } from './event-batch.dto.js';

/**
 * A consumer's `POST events/batch` (under its `internal` controller): service tokens only, 200
 * with one receipt per event, the body documented as EventBatchDto (read it with
 * `@EventBatchEvents()`). The consumer describes what applying a batch does to it.
 */
export function EventBatchEndpoint(operation: { summary: string; description: string }): MethodDecorator {
  return applyDecorators(
    Post('events/batch'),
    HttpCode(200),
    ServiceOnly(),
    ApiOperation(operation),
    ApiBody({ type: EventBatchDto }),
    ApiOkResponse({ type: EventBatchReceiptsDto }),
    ApiProblem(
      400,
      `The body is not \`{events: [...]}\` with 1 to ${EVENT_BATCH_MAX_EVENTS} events (VALIDATION_FAILED); a malformed ` +
        'event inside a valid list is answered in its receipt instead',
    ),
  );
}
