import {
  DomainError,
  DownstreamRejectedError,
  ReadThroughCache,
  ServiceClient,
  ServiceClientFactory,
} from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { BookingServiceConfig } from '../config.js';

export interface BookingUser {
  id: string;
  email: string;
  fullName: string;
  role: 'MEMBER' | 'ADMIN';
  status: 'ACTIVE' | 'SUSPENDED';
}

export class UserNotFoundError extends DomainError {
  constructor(id: string) {
    super('USER_NOT_FOUND', 404, `User ${id} was not found`);
  }
}

export class UserSuspendedError extends DomainError {
  constructor() {
    super('USER_SUSPENDED', 403, 'The user is suspended and cannot book');
  }
}

/**
 * user-service: is this user there and allowed to book? An ACTIVE answer is reused for
 * USER_CACHE_MS (a member books several times in a row; a suspension shows after at most that
 * long); not found, suspended or no answer is asked again every time.
 */
@Injectable()
export class UserClient {
  private readonly http: ServiceClient;
  private readonly active: ReadThroughCache<BookingUser>;

  constructor(factory: ServiceClientFactory, config: BookingServiceConfig) {
    this.http = factory.create({ name: 'user-service', baseUrl: config.USER_SERVICE_URL });
    this.active = new ReadThroughCache(config.USER_CACHE_MS, 10_000);
  }

  activeUser(id: string): Promise<BookingUser> {
    return this.active.read(id, () => this.fetchActive(id));
  }

  private async fetchActive(id: string): Promise<BookingUser> {
    let user: BookingUser;
    try {
      user = await this.http.get<BookingUser>(`/users/${id}`);
    } catch (error) {
      if (error instanceof DownstreamRejectedError && error.downstreamStatus === 404) throw new UserNotFoundError(id);
      throw error;
    }
    if (user.status !== 'ACTIVE') throw new UserSuspendedError();
    return user;
  }
}
