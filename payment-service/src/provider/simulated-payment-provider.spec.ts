import type { SimulatedProviderCharge, SimulatedProviderRefund } from '../generated/prisma/client.js';
import type { PaymentServiceConfig } from '../config.js';
import { ProviderUnavailableError } from './payment-provider.js';
import { SimulatedPaymentProvider } from './simulated-payment-provider.js';
import type {
  NewSimulatedCharge,
  NewSimulatedRefund,
  SimulatedProviderRepository,
  SimulatedRefundOutcome,
} from './simulated-provider.repository.js';

/** The provider's books in memory, with the same idempotency on keys. */
class InMemoryLedger {
  charges = new Map<string, SimulatedProviderCharge>();
  refunds = new Map<string, SimulatedProviderRefund>();

  async findCharge(key: string) {
    return this.charges.get(key) ?? null;
  }
  async recordCharge(data: NewSimulatedCharge) {
    const now = new Date();
    const row = {
      declineCode: null,
      declineMessage: null,
      ...data,
      refundedCents: 0,
      createdAt: now,
      updatedAt: now,
    } as SimulatedProviderCharge;
    if (!this.charges.has(data.idempotencyKey)) this.charges.set(data.idempotencyKey, row);
    return this.charges.get(data.idempotencyKey)!;
  }
  async findRefund(key: string) {
    return this.refunds.get(key) ?? null;
  }
  async recordRefund(data: NewSimulatedRefund): Promise<SimulatedRefundOutcome> {
    const charge = [...this.charges.values()].find(
      (c) => c.providerRef === data.chargeRef && c.outcome === 'SUCCEEDED',
    );
    if (!charge) return { kind: 'no-such-charge' };
    if (charge.refundedCents + data.amountCents > charge.amountCents) return { kind: 'exceeds-charge' };
    charge.refundedCents += data.amountCents;
    const row = { ...data, createdAt: new Date(), updatedAt: new Date() };
    this.refunds.set(data.idempotencyKey, row);
    return { kind: 'refunded', refund: row };
  }
}

describe('SimulatedPaymentProvider', () => {
  let ledger: InMemoryLedger;
  let provider: SimulatedPaymentProvider;
  const charge = (paymentMethod: string, idempotencyKey = `k-${paymentMethod}`) =>
    provider.charge({ idempotencyKey, amountCents: 1000, currency: 'EUR', paymentMethod });

  beforeEach(() => {
    ledger = new InMemoryLedger();
    provider = new SimulatedPaymentProvider(
      ledger as unknown as SimulatedProviderRepository,
      {
        SIMULATED_PROVIDER_LATENCY_MS: 0,
      } as PaymentServiceConfig,
    );
  });

  it('charges pm_card_visa', async () => {
    expect(await charge('pm_card_visa')).toEqual({
      outcome: 'succeeded',
      providerRef: expect.stringMatching(/^sim_ch_/),
    });
  });

  it.each([
    ['pm_card_declined', 'card_declined'],
    ['pm_card_insufficient_funds', 'insufficient_funds'],
  ])('declines %s with %s', async (method, declineCode) => {
    expect(await charge(method)).toMatchObject({ outcome: 'declined', declineCode, message: expect.any(String) });
  });

  it('fails pm_card_error retriably, recording nothing', async () => {
    await expect(charge('pm_card_error')).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(ledger.charges.size).toBe(0);
  });

  it('is idempotent on the key: the same answer, one charge', async () => {
    const first = await charge('pm_card_visa', 'same');
    expect(await charge('pm_card_visa', 'same')).toEqual(first);
    expect(ledger.charges.size).toBe(1);
  });

  it('fails the next N calls on request, then recovers', async () => {
    provider.failNextCalls(2);
    await expect(charge('pm_card_visa')).rejects.toBeInstanceOf(ProviderUnavailableError);
    await expect(charge('pm_card_visa')).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect((await charge('pm_card_visa')).outcome).toBe('succeeded');
  });

  it('waits the configured latency', async () => {
    const slow = new SimulatedPaymentProvider(
      ledger as unknown as SimulatedProviderRepository,
      {
        SIMULATED_PROVIDER_LATENCY_MS: 60,
      } as PaymentServiceConfig,
    );
    const started = Date.now();
    await slow.charge({ idempotencyKey: 'slow', amountCents: 1, currency: 'EUR', paymentMethod: 'pm_card_visa' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('refunds idempotently, never beyond the charge', async () => {
    const ch = await charge('pm_card_visa');
    if (ch.outcome !== 'succeeded') throw new Error('expected a charge');
    const first = await provider.refund({ idempotencyKey: 'r1', chargeRef: ch.providerRef, amountCents: 600 });
    expect(await provider.refund({ idempotencyKey: 'r1', chargeRef: ch.providerRef, amountCents: 600 })).toEqual(first);
    await expect(
      provider.refund({ idempotencyKey: 'r2', chargeRef: ch.providerRef, amountCents: 401 }),
    ).rejects.toThrow(/exceeds-charge/);
    expect(ledger.refunds.size).toBe(1);
  });
});
