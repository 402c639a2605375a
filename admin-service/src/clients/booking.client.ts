import { ServiceClient, ServiceClientFactory } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { AdminServiceConfig } from '../config.js';

/** booking-service answers counts for at most this many users per call. */
export const MAX_COUNTED_USERS = 100;

/** booking-service: how many bookings each user has (service token). */
@Injectable()
export class BookingClient {
  private readonly http: ServiceClient;

  constructor(factory: ServiceClientFactory, config: AdminServiceConfig) {
    this.http = factory.create({ name: 'booking-service', baseUrl: config.BOOKING_SERVICE_URL });
  }

  /** Bookings of any status per user id (at most MAX_COUNTED_USERS ids); an id without bookings counts 0. */
  async counts(userIds: string[]): Promise<Map<string, number>> {
    if (userIds.length === 0) return new Map();
    // the kit's `query` takes one value per name; this contract repeats `userId`
    const query = new URLSearchParams(userIds.map((id): [string, string] => ['userId', id]));
    const answer = await this.http.get<{ counts: Record<string, number> }>(`/internal/bookings/counts?${query}`);
    return new Map(userIds.map((id) => [id, answer.counts?.[id] ?? 0]));
  }
}
