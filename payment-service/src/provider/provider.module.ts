import { Module, Type } from '@nestjs/common';
import { PAYMENT_PROVIDERS, PaymentProviderName, PaymentServiceConfig } from '../config.js';
import { PaymentProvider } from './payment-provider.js';
import { SimulatedPaymentProvider } from './simulated-payment-provider.js';
import { SimulatedProviderRepository } from './simulated-provider.repository.js';

/** Every adapter this build has, by PAYMENT_PROVIDER. A real provider: one class, one entry. */
const ADAPTERS: Record<PaymentProviderName, Type<PaymentProvider>> = {
  simulated: SimulatedPaymentProvider,
};
const ADAPTER_CLASSES = PAYMENT_PROVIDERS.map((name) => ADAPTERS[name]);

/** Binds the configured adapter under the PaymentProvider token; the rest of the service sees only that. */
@Module({
  providers: [
    SimulatedProviderRepository,
    ...ADAPTER_CLASSES,
    {
      provide: PaymentProvider,
      inject: [PaymentServiceConfig, ...ADAPTER_CLASSES],
      useFactory: (config: PaymentServiceConfig, ...adapters: PaymentProvider[]) =>
        adapters[PAYMENT_PROVIDERS.indexOf(config.PAYMENT_PROVIDER)]!,
    },
  ],
  exports: [PaymentProvider],
})
export class ProviderModule {}
