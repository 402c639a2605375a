import { ApiProblem, ApiUuidParam, CurrentPrincipal, ServiceOnly, UuidParam } from '@cowork/service-kit';
import type { Principal } from '@cowork/service-kit';
import { Body, Controller, Get, Headers, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { BookingPaymentsDto, PaymentDto, RefundResultDto } from './dto/payment.dto.js';
import { ChargeRequestDto, RefundRequestDto } from './dto/payment-requests.dto.js';
import { answerIdempotently } from './idempotent-reply.js';
import { PaymentsService } from './payments.service.js';
import { RefundsService } from './refunds.service.js';

const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  required: true,
  description:
    '1 to 255 printable ASCII characters without spaces. Scoped to the calling service client and this endpoint; ' +
    'kept at least 24 h. The same key and body replay the stored response (header Idempotent-Replayed: true) ' +
    'and charge nothing; the same key with another body is 422 IDEMPOTENCY_KEY_REUSED; a twin still in flight is 409.',
};
const KEY_PROBLEMS_409 = 'A request with this Idempotency-Key is still in flight (IDEMPOTENT_REQUEST_IN_FLIGHT)';
const PROVIDER_DOWN =
  'The provider failed or timed out; nothing was charged and the key is free again: retry with the same key ' +
  '(PROVIDER_UNAVAILABLE, Retry-After)';

/** Called by booking-service only (service tokens). */
@ApiTags('internal')
@Controller('internal')
export class InternalPaymentsController {
  constructor(
    private readonly payments: PaymentsService,
    private readonly refunds: RefundsService,
  ) {}

  @Post('charges')
  @ServiceOnly()
  @ApiOperation({
    summary: 'Charge a booking',
    description:
      'Creates a payment and charges it through the provider. Success: 201 SUCCEEDED. A decline: 402 ' +
      'PAYMENT_DECLINED with `declineCode` and `paymentId` (the FAILED payment is recorded; final, a replay answers ' +
      'the same 402). A provider failure: 503 PROVIDER_UNAVAILABLE, nothing recorded.',
  })
  @ApiHeader(IDEMPOTENCY_KEY)
  @ApiCreatedResponse({ type: PaymentDto })
  @ApiProblem(400, 'Invalid input (VALIDATION_FAILED, e.g. an unknown paymentMethod) or IDEMPOTENCY_KEY_REQUIRED')
  @ApiProblem(402, 'The card was declined (PAYMENT_DECLINED; declineCode card_declined or insufficient_funds)')
  @ApiProblem(409, KEY_PROBLEMS_409)
  @ApiProblem(422, 'The Idempotency-Key was used with a different body (IDEMPOTENCY_KEY_REUSED)')
  @ApiProblem(503, PROVIDER_DOWN)
  charge(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ChargeRequestDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PaymentDto> {
    return answerIdempotently(reply, 201, async () => {
      const { payment, replayed } = await this.payments.charge(clientOf(principal), body, idempotencyKey);
      return { value: payment, replayed };
    });
  }

  @Post('bookings/:bookingId/refunds')
  @ServiceOnly()
  @ApiOperation({
    summary: "Refund part or all of a booking's captured money",
    description:
      'Draws on the booking’s SUCCEEDED and PARTIALLY_REFUNDED payments, newest first, never beyond what remains ' +
      'captured (concurrent refunds included). Each payment becomes PARTIALLY_REFUNDED or REFUNDED. Asking for more ' +
      'than remains (or refunding a booking with nothing captured) is 422 and refunds nothing. If the provider fails ' +
      'midway (503), retry with the same key and body: it finishes the same refunds.',
  })
  @ApiUuidParam('bookingId', 'The booking id')
  @ApiHeader(IDEMPOTENCY_KEY)
  @ApiCreatedResponse({ type: RefundResultDto })
  @ApiProblem(400, 'Invalid input (VALIDATION_FAILED) or IDEMPOTENCY_KEY_REQUIRED')
  @ApiProblem(409, KEY_PROBLEMS_409)
  @ApiProblem(
    422,
    'More than remains captured (REFUND_EXCEEDS_CAPTURED, with requestedCents and refundableCents), or the key was ' +
      'used with a different body (IDEMPOTENCY_KEY_REUSED)',
  )
  @ApiProblem(503, 'The provider failed or timed out; retry with the same key and body (PROVIDER_UNAVAILABLE)')
  refund(
    @CurrentPrincipal() principal: Principal,
    @UuidParam('bookingId') bookingId: string,
    @Body() body: RefundRequestDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RefundResultDto> {
    return answerIdempotently(reply, 201, async () => {
      const { result, replayed } = await this.refunds.refund(clientOf(principal), bookingId, body, idempotencyKey);
      return { value: result, replayed };
    });
  }

  @Get('bookings/:bookingId/payments')
  @ServiceOnly()
  @ApiOperation({
    summary: 'Every payment of a booking, with what was captured and refunded (reconciliation)',
    description: 'A booking without payments answers zeros and an empty list.',
  })
  @ApiUuidParam('bookingId', 'The booking id')
  @ApiOkResponse({ type: BookingPaymentsDto })
  ofBooking(@UuidParam('bookingId') bookingId: string): Promise<BookingPaymentsDto> {
    return this.payments.ofBooking(bookingId);
  }
}

/** @ServiceOnly lets only service principals through; the client id scopes their keys. */
function clientOf(principal: Principal): string {
  return principal.kind === 'service' ? principal.clientId : `user:${principal.userId}`;
}
