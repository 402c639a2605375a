import { DomainError } from '@cowork/service-kit';

/** No such notification, or it is someone else's (a member is not told which). */
export class NotificationNotFoundError extends DomainError {
  constructor(id: string) {
    super('NOTIFICATION_NOT_FOUND', 404, `Notification ${id} was not found`);
  }
}
