import { Global, Module } from '@nestjs/common';
import { AuditSources } from './audit-source.client.js';
import { AuthClient } from './auth.client.js';
import { BookingClient } from './booking.client.js';
import { ReportingClient } from './reporting.client.js';
import { UserClient } from './user.client.js';

const CLIENTS = [UserClient, AuthClient, BookingClient, ReportingClient, AuditSources];

/** Clients of the other services, built with the kit's ServiceClientFactory (timeouts, breaker, request ids). */
@Global()
@Module({ providers: CLIENTS, exports: CLIENTS })
export class ClientsModule {}
