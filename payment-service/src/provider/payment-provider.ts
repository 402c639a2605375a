/**
 * The seam between payment-service and whoever moves the money. A real provider is one class
 * implementing this (and one entry in provider.module.ts); nothing else changes.
 *
 * Contract every adapter keeps:
 * - `idempotencyKey` is passed to the provider as its own idempotency key: calling again with
 *   the same key returns the first answer (same providerRef) and never moves money twice. This
 *   is what makes a retry after a crash or timeout between "provider charged" and "we recorded
 *   it" safe.
 * - A decline is an answer, not an error: `{outcome: 'declined'}`. It is final.
 * - Anything retriable (network, timeout, provider 5xx) is thrown as ProviderUnavailableError.
 */
export abstract class PaymentProvider {
  /** Short name stored with each payment, e.g. 'simulated' or 'stripe'. */
  abstract readonly name: string;

  abstract charge(request: ChargeRequest): Promise<ChargeResult>;

  /**
   * What the provider did with a charge sent under `idempotencyKey`, without charging: the same
   * answer `charge` gave (succeeded with its providerRef, or declined), or null when it holds no
   * charge under that key (never received, or refused retriably). A lookup by idempotency key
   * (or by metadata carrying it) on a real provider. Used by the recovery job to settle a charge
   * whose process died before recording it.
   */
  abstract findCharge(idempotencyKey: string): Promise<ChargeResult | null>;

  /** Refunds part or all of a succeeded charge. */
  abstract refund(request: RefundRequest): Promise<RefundResult>;
}

export interface ChargeRequest {
  idempotencyKey: string;
  amountCents: number;
  currency: string;
  paymentMethod: string;
  description?: string;
}

export type ChargeResult =
  { outcome: 'succeeded'; providerRef: string } | { outcome: 'declined'; declineCode: DeclineCode; message: string };

export type DeclineCode = 'card_declined' | 'insufficient_funds';

export interface RefundRequest {
  idempotencyKey: string;
  /** the providerRef of the charge */
  chargeRef: string;
  amountCents: number;
}

export interface RefundResult {
  providerRef: string;
}

/** A retriable provider failure: nothing was charged (or the retry with the same key will tell). */
export class ProviderUnavailableError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds = 2,
  ) {
    super(message);
    this.name = 'ProviderUnavailableError';
  }
}

/** The payment methods the platform accepts (the simulated provider's test cards). */
export const PAYMENT_METHODS = [
  'pm_card_visa',
  'pm_card_declined',
  'pm_card_insufficient_funds',
  'pm_card_error',
] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export const DEFAULT_PAYMENT_METHOD: PaymentMethod = 'pm_card_visa';
