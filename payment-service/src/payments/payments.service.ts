import {
  decodeCursor,
  ForbiddenError,
  IdempotentRequestInFlightError,
  isAdmin,
  Page,
  toPage,
  uuidv7,
} from '@cowork/service-kit';
import type { UserPrincipal } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { PaymentServiceConfig } from '../config.js';
import type { IdempotencyRecord, Payment } from '../generated/prisma/client.js';
import { PaymentStatus } from '../generated/prisma/enums.js';
import { Claim, IdempotencyService, replayResponse, storedProblem } from '../idempotency/idempotency.service.js';
import {
  ChargeResult as ProviderChargeResult,
  DEFAULT_PAYMENT_METHOD,
  DeclineCode,
  PaymentProvider,
} from '../provider/payment-provider.js';
import type { StoredResponse } from '../idempotency/idempotency.repository.js';
import { BookingPaymentsDto, PaymentDto } from './dto/payment.dto.js';
import { ChargeRequestDto, ListPaymentsQuery } from './dto/payment-requests.dto.js';
import { PaymentDeclinedError, PaymentNotFoundError } from './payments.errors.js';
import { PaymentsRepository } from './payments.repository.js';
import { callProvider } from './provider-call.js';

export const CHARGE_ENDPOINT = 'POST /internal/charges';

export interface ChargeResult {
  payment: PaymentDto;
  replayed: boolean;
}

@Injectable()
export class PaymentsService {
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
   * Charges once per (caller, Idempotency-Key): claim the key, ask the provider (idempotent on
   * a key derived from ours), then record the payment and the response together. A decline is
   * recorded (FAILED) and final; a provider failure records nothing and frees the key.
   */
  async charge(clientId: string, input: ChargeRequestDto, idempotencyKey: string | undefined): Promise<ChargeResult> {
    const request = normaliseCharge(input);
    const claim = await this.idempotency.claim({
      scope: `${clientId} ${CHARGE_ENDPOINT}`,
      key: idempotencyKey,
      request,
      bookingId: request.bookingId,
    });
    if (claim.kind === 'replay') return { payment: replayedPayment(claim.response), replayed: true };

    const providerKey = providerChargeKey(claim.scope, claim.key, claim.requestHash);
    let result: ProviderChargeResult;
    try {
      result = await callProvider('charge', this.timeoutMs, () =>
        this.provider.charge({
          idempotencyKey: providerKey,
          amountCents: request.amountCents,
          currency: request.currency,
          paymentMethod: request.paymentMethod,
          description: request.description ?? undefined,
        }),
      );
    } catch (error) {
      await this.idempotency.release(claim);
      throw error;
    }

    const payment = await this.settle(claim, request, result);
    if (payment.status === PaymentStatus.FAILED) throw declinedError(payment);
    return { payment: PaymentDto.from(payment), replayed: false };
  }

  /**
   * Finishes a charge claim whose holder died (lock expired; found by the recovery job) without
   * its caller. Takes the claim over as a retry would, so of several replicas (or a retry) only
   * one proceeds, then asks the provider what happened under the charge's key: a charge there is
   * recorded and the claim completed with the response a normal charge stores (a replay of the
   * key answers it); no charge there releases the claim, as a provider failure does.
   */
  async recoverCharge(record: IdempotencyRecord): Promise<RecoveryOutcome> {
    const claim = await this.idempotency.takeOverStale(record);
    if (!claim) return 'not-taken';
    const request = record.request as NormalisedCharge;
    let result: ProviderChargeResult | null;
    try {
      result = await callProvider('findCharge', this.timeoutMs, () =>
        this.provider.findCharge(providerChargeKey(claim.scope, claim.key, claim.requestHash)),
      );
    } catch (error) {
      // unknown: leave the claim to the next pass or a retry, which may come at once
      await this.idempotency.unlock(claim);
      throw error;
    }
    if (!result) {
      await this.idempotency.release(claim);
      return 'released';
    }
    await this.settle(claim, request, result);
    return 'recorded';
  }

  /**
   * Records what the provider answered for a claimed charge, shared by `charge` and
   * `recoverCharge`: the payment (SUCCEEDED, or FAILED for a decline) and the completed claim
   * with `chargeResponse` in one transaction. If an earlier holder of the key already recorded
   * it, completes the claim with that payment's response.
   */
  private async settle(claim: Claim, request: NormalisedCharge, result: ProviderChargeResult): Promise<Payment> {
    const providerKey = providerChargeKey(claim.scope, claim.key, claim.requestHash);
    const declined = result.outcome === 'declined' ? result : undefined;
    const outcome = await this.payments.recordCharge(
      {
        id: uuidv7(),
        ...request,
        status: declined ? PaymentStatus.FAILED : PaymentStatus.SUCCEEDED,
        provider: this.provider.name,
        providerRef: result.outcome === 'succeeded' ? result.providerRef : null,
        providerIdempotencyKey: providerKey,
        failureCode: declined?.declineCode ?? null,
        failureMessage: declined?.message ?? null,
      },
      claim,
      chargeResponse,
    );
    if (outcome.kind === 'claim-lost') throw new IdempotentRequestInFlightError();
    if (outcome.kind === 'already-recorded') await this.idempotency.complete(claim, chargeResponse(outcome.payment));
    return outcome.payment;
  }

  async get(principal: UserPrincipal, id: string): Promise<PaymentDto> {
    const row = await this.payments.findById(id);
    if (!row || (!isAdmin(principal) && row.userId !== principal.userId)) throw new PaymentNotFoundError(id);
    return PaymentDto.from(row);
  }

  /** A member's own payments; an admin's all (filterable by userId). */
  async list(principal: UserPrincipal, query: ListPaymentsQuery): Promise<Page<PaymentDto>> {
    if (!isAdmin(principal) && query.userId && query.userId !== principal.userId) {
      throw new ForbiddenError('Members can list only their own payments');
    }
    const rows = await this.payments.list(
      {
        userId: isAdmin(principal) ? query.userId : principal.userId,
        bookingId: query.bookingId,
        status: query.status,
      },
      query.limit,
      decodeCursor(query.cursor),
    );
    return toPage(rows, query.limit, PaymentDto.from);
  }

  /**
   * Reconciliation for booking-service: what the booking paid and got back, and how many of its
   * charges are still in flight (claimed, not settled: they may yet record a payment).
   */
  async ofBooking(bookingId: string): Promise<BookingPaymentsDto> {
    const [payments, chargesInFlight] = await Promise.all([
      this.payments.ofBooking(bookingId),
      this.idempotency.countInProgress(CHARGE_ENDPOINT, bookingId),
    ]);
    return { ...PaymentsRepository.capturedOf(payments), chargesInFlight, payments: payments.map(PaymentDto.from) };
  }
}

/** The charge request as fingerprinted, kept with the claim and executed: defaults applied. */
export type NormalisedCharge = ReturnType<typeof normaliseCharge>;

/** What `recoverCharge` did with a stale claim. */
export type RecoveryOutcome =
  /** a contender (another replica, a retry) took it over first, or its lock is valid again */
  | 'not-taken'
  /** the provider had charged (or declined): recorded, the claim completed */
  | 'recorded'
  /** the provider holds no charge under its key: the claim was released */
  | 'released';

export function normaliseCharge(input: ChargeRequestDto) {
  return {
    bookingId: input.bookingId,
    userId: input.userId,
    amountCents: input.amountCents,
    currency: input.currency,
    paymentMethod: input.paymentMethod ?? DEFAULT_PAYMENT_METHOD,
    description: input.description ?? null,
  };
}

/** The same (caller, key, request) always reaches the provider under the same key, across retries and crashes. */
export function providerChargeKey(scope: string, key: string, requestHash: string): string {
  return `pay_${createHash('sha256').update(`${scope}\n${key}\n${requestHash}`).digest('hex')}`;
}

/** What a charge answers (and what its replays answer): 201 with the payment, or 402 for a decline. */
export function chargeResponse(payment: Payment): StoredResponse {
  if (payment.status === PaymentStatus.FAILED) {
    const error = declinedError(payment);
    return { status: error.status, body: storedProblem(error) };
  }
  return { status: 201, body: PaymentDto.from(payment) };
}

/**
 * A stored 201 body (or the stored 402, thrown) as the first answer sent it: jsonb keeps object
 * keys in an order of its own, so they are put back in PaymentDto's order (any others after).
 */
function replayedPayment(response: StoredResponse): PaymentDto {
  const body = replayResponse<PaymentDto>(response);
  const ordered: PaymentDto = {
    id: body.id,
    bookingId: body.bookingId,
    userId: body.userId,
    amountCents: body.amountCents,
    currency: body.currency,
    status: body.status,
    refundedCents: body.refundedCents,
    provider: body.provider,
    providerRef: body.providerRef,
    failureCode: body.failureCode,
    failureMessage: body.failureMessage,
    createdAt: body.createdAt,
    updatedAt: body.updatedAt,
  };
  return { ...ordered, ...body };
}

function declinedError(payment: Payment): PaymentDeclinedError {
  return new PaymentDeclinedError(
    payment.failureCode as DeclineCode,
    payment.id,
    payment.failureMessage ?? 'The card was declined',
  );
}
