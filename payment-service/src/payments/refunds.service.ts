import { Injectable } from '@nestjs/common';
import { PaymentServiceConfig } from '../config.js';
import { IdempotencyService, replayResponse } from '../idempotency/idempotency.service.js';
import { PaymentProvider } from '../provider/payment-provider.js';
import { RefundDto, RefundResultDto } from './dto/payment.dto.js';
import { RefundRequestDto } from './dto/payment-requests.dto.js';
import { RefundExceedsCapturedError } from './payments.errors.js';
import { PaymentsRepository, PendingRefund } from './payments.repository.js';
import { callProvider } from './provider-call.js';
import { RefundStatus } from '../generated/prisma/enums.js';

export const REFUND_ENDPOINT = 'POST /internal/bookings/:bookingId/refunds';

export interface RefundOutcome {
  result: RefundResultDto;
  replayed: boolean;
}

@Injectable()
export class RefundsService {
  private readonly timeoutMs: number;

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly idempotency: IdempotencyService,
    private readonly provider: PaymentProvider,
    config: PaymentServiceConfig,
  ) {
    this.timeoutMs = config.PROVIDER_TIMEOUT_MS;
  }

  /**
   * Refunds `amountCents` of a booking across its payments, newest first, once per (caller,
   * Idempotency-Key). The refunds are first reserved against the locked payments (so concurrent
   * refunds never exceed what was captured), then executed at the provider (idempotent on each
   * refund's id). If the provider fails midway, the reservations stay PENDING and the key is
   * unlocked: a retry with the same key and body finishes exactly those refunds.
   */
  async refund(
    clientId: string,
    bookingId: string,
    input: RefundRequestDto,
    idempotencyKey: string | undefined,
  ): Promise<RefundOutcome> {
    const claim = await this.idempotency.claim({
      scope: `${clientId} ${REFUND_ENDPOINT}`,
      key: idempotencyKey,
      request: { bookingId, amountCents: input.amountCents, reason: input.reason },
      bookingId,
    });
    if (claim.kind === 'replay') return { result: replayResponse<RefundResultDto>(claim.response), replayed: true };

    let refunds: PendingRefund[] = claim.resumed ? await this.payments.refundsOfRecord(claim.recordId) : [];
    if (refunds.length === 0) {
      const reserved = await this.payments
        .reserveRefunds(bookingId, input.amountCents, input.reason, claim.recordId)
        .catch(async (error: unknown) => {
          await this.idempotency.release(claim);
          throw error;
        });
      if (reserved.kind === 'exceeds') {
        // nothing was done: the key stays free rather than remembering a refusal
        await this.idempotency.release(claim);
        throw new RefundExceedsCapturedError(input.amountCents, reserved.refundableCents);
      }
      refunds = reserved.refunds;
    }

    const done: RefundDto[] = [];
    for (const { refund, chargeRef } of refunds) {
      if (refund.status === RefundStatus.SUCCEEDED) {
        done.push(RefundDto.from(refund));
        continue;
      }
      try {
        const { providerRef } = await callProvider('refund', this.timeoutMs, () =>
          this.provider.refund({ idempotencyKey: refund.id, chargeRef, amountCents: refund.amountCents }),
        );
        done.push(RefundDto.from(await this.payments.markRefundSucceeded(refund.id, providerRef)));
      } catch (error) {
        await this.idempotency.unlock(claim);
        throw error;
      }
    }
    const result: RefundResultDto = { refundedCents: done.reduce((sum, r) => sum + r.amountCents, 0), refunds: done };
    await this.idempotency.complete(claim, { status: 201, body: result });
    return { result, replayed: false };
  }
}
