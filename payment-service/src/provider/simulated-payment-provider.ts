import { Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { PaymentServiceConfig } from '../config.js';
import { SimulatedChargeOutcome } from '../generated/prisma/enums.js';
import {
  ChargeRequest,
  ChargeResult,
  DeclineCode,
  PaymentProvider,
  ProviderUnavailableError,
  RefundRequest,
  RefundResult,
} from './payment-provider.js';
import { SimulatedProviderRepository } from './simulated-provider.repository.js';

/** What each test card does. */
const DECLINES: Record<string, { declineCode: DeclineCode; message: string }> = {
  pm_card_declined: { declineCode: 'card_declined', message: 'The card was declined' },
  pm_card_insufficient_funds: { declineCode: 'insufficient_funds', message: 'The card has insufficient funds' },
};
const ERROR_CARD = 'pm_card_error';

/**
 * A stand-in for a real provider, with Stripe-like test cards: pm_card_visa succeeds,
 * pm_card_declined and pm_card_insufficient_funds decline, pm_card_error fails retriably.
 * Like a real provider it keeps its own books (simulated_provider_* tables) and is idempotent
 * on the key it is given: the same key returns the first answer and never charges twice.
 */
@Injectable()
export class SimulatedPaymentProvider implements PaymentProvider {
  readonly name = 'simulated';
  private failuresToInject = 0;
  private readonly latencyMs: number;

  constructor(
    private readonly ledger: SimulatedProviderRepository,
    config: PaymentServiceConfig,
  ) {
    this.latencyMs = config.SIMULATED_PROVIDER_LATENCY_MS;
  }

  /** Test hook: the next `n` calls (charges, lookups or refunds) fail as if the provider were down. */
  failNextCalls(n: number): void {
    this.failuresToInject = n;
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    await this.travel();
    if (request.paymentMethod === ERROR_CARD) {
      const earlier = await this.ledger.findCharge(request.idempotencyKey);
      if (earlier) return toResult(earlier);
      throw new ProviderUnavailableError('The simulated provider failed to process the card (pm_card_error)');
    }
    // the ledger keeps the first charge under a key: a retry gets that one's answer, nothing is charged twice
    const decline = DECLINES[request.paymentMethod];
    const charge = await this.ledger.recordCharge({
      id: randomUUID(),
      idempotencyKey: request.idempotencyKey,
      providerRef: `sim_ch_${randomUUID().replace(/-/g, '')}`,
      amountCents: request.amountCents,
      currency: request.currency,
      paymentMethod: request.paymentMethod,
      outcome: decline ? SimulatedChargeOutcome.DECLINED : SimulatedChargeOutcome.SUCCEEDED,
      declineCode: decline?.declineCode,
      declineMessage: decline?.message,
    });
    return toResult(charge);
  }

  /** Reads the ledger: the charge made under the key, if any. */
  async findCharge(idempotencyKey: string): Promise<ChargeResult | null> {
    await this.travel();
    const charge = await this.ledger.findCharge(idempotencyKey);
    return charge ? toResult(charge) : null;
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    await this.travel();
    const earlier = await this.ledger.findRefund(request.idempotencyKey);
    if (earlier) return { providerRef: earlier.providerRef };
    const outcome = await this.ledger.recordRefund({
      id: randomUUID(),
      idempotencyKey: request.idempotencyKey,
      providerRef: `sim_re_${createHash('sha256').update(request.idempotencyKey).digest('hex').slice(0, 32)}`,
      chargeRef: request.chargeRef,
      amountCents: request.amountCents,
    });
    // our books and the provider's disagree: a bug, not something a retry fixes
    if (outcome.kind !== 'refunded') throw new Error(`simulated provider refused the refund: ${outcome.kind}`);
    return { providerRef: outcome.refund.providerRef };
  }

  /** The network: latency, and an injected outage when a test asked for one. */
  private async travel(): Promise<void> {
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    if (this.failuresToInject > 0) {
      this.failuresToInject--;
      throw new ProviderUnavailableError('The simulated provider is unavailable (injected failure)');
    }
  }
}

function toResult(charge: {
  outcome: SimulatedChargeOutcome;
  providerRef: string;
  declineCode: string | null;
  declineMessage: string | null;
}): ChargeResult {
  if (charge.outcome === SimulatedChargeOutcome.SUCCEEDED)
    return { outcome: 'succeeded', providerRef: charge.providerRef };
  return {
    outcome: 'declined',
    declineCode: charge.declineCode as DeclineCode,
    message: charge.declineMessage ?? 'The card was declined',
  };
}
