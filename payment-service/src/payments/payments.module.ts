import { Module } from '@nestjs/common';
import { ChargeRecovery } from './charge-recovery.js';
import { IdempotencyModule } from '../idempotency/idempotency.module.js';
import { ProviderModule } from '../provider/provider.module.js';
import { InternalPaymentsController } from './internal-payments.controller.js';
import { PaymentsController } from './payments.controller.js';
import { PaymentsRepository } from './payments.repository.js';
import { PaymentsService } from './payments.service.js';
import { RefundsService } from './refunds.service.js';

@Module({
  imports: [IdempotencyModule, ProviderModule],
  controllers: [PaymentsController, InternalPaymentsController],
  providers: [PaymentsService, RefundsService, PaymentsRepository, ChargeRecovery],
})
export class PaymentsModule {}
