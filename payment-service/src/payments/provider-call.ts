import { Logger } from '@nestjs/common';
import { ProviderUnavailableError } from '../provider/payment-provider.js';
import { PaymentProviderUnavailableError } from './payments.errors.js';

const logger = new Logger('PaymentProvider');

/**
 * Calls the provider with a deadline. Whatever goes wrong (a retriable failure, a timeout, or
 * anything unexpected) becomes 503 PROVIDER_UNAVAILABLE: the provider is idempotent on the key
 * we sent, so a retry with it can only find out what happened, never charge twice.
 */
export async function callProvider<T>(what: string, timeoutMs: number, call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProviderUnavailableError(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([call(), deadline]);
  } catch (error) {
    if (error instanceof ProviderUnavailableError) {
      logger.warn(`${what}: provider unavailable: ${error.message}`);
      throw new PaymentProviderUnavailableError(error.retryAfterSeconds, error.message);
    }
    logger.error({ err: error }, `${what}: unexpected provider error`);
    throw new PaymentProviderUnavailableError(5, 'unexpected provider error');
  } finally {
    clearTimeout(timer);
  }
}
