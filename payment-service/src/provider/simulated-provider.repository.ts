import { HotPathSql, isUniqueViolation, postgresErrorCode } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { Prisma, PrismaClient, SimulatedProviderCharge, SimulatedProviderRefund } from '../generated/prisma/client.js';
import { SimulatedChargeOutcome } from '../generated/prisma/enums.js';

export interface NewSimulatedCharge {
  id: string;
  idempotencyKey: string;
  providerRef: string;
  amountCents: number;
  currency: string;
  paymentMethod: string;
  outcome: SimulatedChargeOutcome;
  declineCode?: string;
  declineMessage?: string;
}

export interface NewSimulatedRefund {
  id: string;
  idempotencyKey: string;
  providerRef: string;
  chargeRef: string;
  amountCents: number;
}

export type SimulatedRefundOutcome =
  { kind: 'refunded'; refund: SimulatedProviderRefund } | { kind: 'no-such-charge' } | { kind: 'exceeds-charge' };

/** The simulated provider's books (in this service's database, standing in for the provider's). */
@Injectable()
export class SimulatedProviderRepository {
  constructor(
    private readonly prisma: PrismaClient,
    /** a charge's ledger insert runs on every booking: straight on the driver */
    private readonly sql: HotPathSql,
  ) {}

  findCharge(idempotencyKey: string): Promise<SimulatedProviderCharge | null> {
    return this.prisma.simulatedProviderCharge.findUnique({ where: { idempotencyKey } });
  }

  /**
   * Records a charge unless one is already held under its key: the charge made under the key
   * first (by an earlier call, or a concurrent one that got there first) is returned, never a
   * second one. One statement when the key is new; the existing charge is read only when the
   * INSERT met it (ON CONFLICT waits for a concurrent insert of the key to commit or abort).
   */
  async recordCharge(data: NewSimulatedCharge): Promise<SimulatedProviderCharge> {
    const now = new Date().toISOString();
    const inserted = await this.sql.query<SimulatedProviderCharge>(Prisma.sql`
      INSERT INTO simulated_provider_charges
        (id, idempotency_key, provider_ref, amount_cents, currency, payment_method, outcome,
         decline_code, decline_message, refunded_cents, created_at, updated_at)
      VALUES (${data.id}::uuid, ${data.idempotencyKey}, ${data.providerRef}, ${data.amountCents}::int,
              ${data.currency}, ${data.paymentMethod}, ${data.outcome}::"SimulatedChargeOutcome",
              ${data.declineCode ?? null}, ${data.declineMessage ?? null}, 0, ${now}::timestamptz, ${now}::timestamptz)
      ON CONFLICT (idempotency_key) DO NOTHING
      RETURNING id::text AS id, idempotency_key AS "idempotencyKey", provider_ref AS "providerRef",
                amount_cents AS "amountCents", currency, payment_method AS "paymentMethod", outcome::text AS outcome,
                decline_code AS "declineCode", decline_message AS "declineMessage",
                refunded_cents AS "refundedCents", created_at AS "createdAt", updated_at AS "updatedAt"`);
    if (inserted[0]) return inserted[0];
    const first = await this.findCharge(data.idempotencyKey);
    // ledger rows are never deleted, so the row the INSERT met is there
    if (!first) throw new Error(`simulated provider: no charge under key ${data.idempotencyKey} after a conflict`);
    return first;
  }

  findRefund(idempotencyKey: string): Promise<SimulatedProviderRefund | null> {
    return this.prisma.simulatedProviderRefund.findUnique({ where: { idempotencyKey } });
  }

  /** Refunds against a succeeded charge, never beyond its amount (checked under the charge's row lock). */
  async recordRefund(data: NewSimulatedRefund): Promise<SimulatedRefundOutcome> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const { count } = await tx.simulatedProviderCharge.updateMany({
          where: { providerRef: data.chargeRef, outcome: SimulatedChargeOutcome.SUCCEEDED },
          data: { refundedCents: { increment: data.amountCents } },
        });
        if (count === 0) return { kind: 'no-such-charge' as const };
        const charge = await tx.simulatedProviderCharge.findUniqueOrThrow({ where: { providerRef: data.chargeRef } });
        if (charge.refundedCents > charge.amountCents) throw new ExceedsCharge();
        return { kind: 'refunded' as const, refund: await tx.simulatedProviderRefund.create({ data }) };
      });
    } catch (error) {
      // the CHECK (refunded_cents <= amount_cents) refuses it before our own check can
      if (error instanceof ExceedsCharge || postgresErrorCode(error) === '23514') return { kind: 'exceeds-charge' };
      if (!isUniqueViolation(error)) throw error;
      const winner = await this.findRefund(data.idempotencyKey);
      if (!winner) throw error;
      return { kind: 'refunded', refund: winner };
    }
  }

  /** For tests and operators: how many charges the provider holds under keys with this prefix. */
  countCharges(idempotencyKeyPrefix = ''): Promise<number> {
    return this.prisma.simulatedProviderCharge.count({
      where: { idempotencyKey: { startsWith: idempotencyKeyPrefix } },
    });
  }
}

class ExceedsCharge extends Error {}
