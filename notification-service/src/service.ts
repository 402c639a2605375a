import type { ServiceAppOptions } from '@cowork/service-kit';
import { NotificationServiceConfig } from './config.js';

export const SERVICE_NAME = 'notification-service';

/** How this service is built, shared by main.ts, the OpenAPI generator and the tests. */
export const notificationServiceOptions: ServiceAppOptions<NotificationServiceConfig> = {
  serviceName: SERVICE_NAME,
  config: NotificationServiceConfig,
  docs: {
    title: 'notification-service',
    description:
      'Notifies the user of a booking of what happened to it. booking-service delivers its events to ' +
      '`POST /internal/events/batch` (several per call) or `POST /internal/events` (one), service tokens only; ' +
      'deduplicated by event id, so a redelivery changes nothing. Each ' +
      'event that notifies makes an in-app notification and, unless the user turned email off, an email that a ' +
      'background dispatcher sends over SMTP with retries. Members read and mark their own notifications and set ' +
      'their email preference; admins may read anyone’s. Without SMTP_HOST (development only) emails go to an ' +
      'embedded SMTP sink, listed by `GET /internal/outbox-mail`.',
  },
};
