import { ServiceClient, ServiceClientFactory } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { BookingServiceConfig } from '../config.js';

/** What admin-service lets admins change for the whole platform (GET /internal/settings). */
export interface PlatformSettingsVersion {
  version: number;
  cancellationFullRefundHours: number;
  bookingHoldMinutes: number;
}

/** admin-service: the platform settings booking-service applies. */
@Injectable()
export class AdminClient {
  private readonly http: ServiceClient;

  constructor(factory: ServiceClientFactory, config: BookingServiceConfig) {
    this.http = factory.create({ name: 'admin-service', baseUrl: config.ADMIN_SERVICE_URL });
  }

  settings(): Promise<PlatformSettingsVersion> {
    return this.http.get<PlatformSettingsVersion>('/internal/settings');
  }
}
