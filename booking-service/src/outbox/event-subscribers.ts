import { ServiceClient, ServiceClientFactory } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { BookingServiceConfig, SUBSCRIBER_ENTRY } from '../config.js';

export interface EventSubscriber {
  name: string;
  client: ServiceClient;
}

/**
 * The services every event is delivered to (EVENT_SUBSCRIBERS). An event gets one delivery row
 * per subscriber configured when it is written; a subscriber added later receives events from
 * then on.
 */
@Injectable()
export class EventSubscribers {
  readonly all: readonly EventSubscriber[];
  readonly names: readonly string[];

  constructor(factory: ServiceClientFactory, config: BookingServiceConfig) {
    this.all = config.EVENT_SUBSCRIBERS.map((entry) => {
      const [, name, baseUrl] = SUBSCRIBER_ENTRY.exec(entry)!;
      // no client-level retry: the relay retries with its own backoff and records every attempt
      return { name, client: factory.create({ name, baseUrl, retries: 0 }) };
    });
    this.names = this.all.map((s) => s.name);
  }

  byName(name: string): EventSubscriber | undefined {
    return this.all.find((s) => s.name === name);
  }
}
