import { isUniqueViolation, postgresErrorCode } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { PrismaClient, SimulatedProviderCharge, SimulatedProviderRefund } from '../generated/prisma/client.js';
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
  constructor(private readonly prisma: PrismaClient) {}

  findCharge(idempotencyKey: string): Promise<SimulatedProviderCharge | null> {
    return this.prisma.simulatedProviderCharge.findUnique({ where: { idempotencyKey } });
  }

  /** Records a charge; a concurrent call with the same key that got there first wins and is returned. */
  async recordCharge(data: NewSimulatedCharge): Promise<SimulatedProviderCharge> {
    try {
      return await this.prisma.simulatedProviderCharge.create({ data });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const winner = await this.findCharge(data.idempotencyKey);
      if (!winner) throw error;
      return winner;
    }
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
