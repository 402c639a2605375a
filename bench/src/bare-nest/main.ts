import 'reflect-metadata';
import { AuthModule, BaseServiceConfig, Public, runService, ServiceModule } from '@cowork/service-kit';
import { Controller, Get, Module } from '@nestjs/common';

/**
 * The framework ceiling: a route built exactly like the services' (service-kit's bootstrap:
 * Fastify, request ids, JSON logs, helmet, validation pipe, problem+json filter, metrics, Swagger)
 * and the same global access-token guard (the route is @Public(), like the catalogue's), but with
 * no database and no downstream call. It answers a fixed workspace-shaped document, about the
 * size of GET /workspaces/:id.
 */
class BareConfig extends BaseServiceConfig {
  override PORT = 3099;
}

const WORKSPACE = {
  id: '00000000-0000-4000-8000-000000000000',
  name: 'Bare room',
  description: null,
  type: 'MEETING_ROOM',
  capacity: 10,
  hourlyRateCents: 2000,
  currency: 'EUR',
  timezone: 'UTC',
  openingHours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '06:00', close: '22:00' })),
  minBookingMinutes: 30,
  maxBookingMinutes: 1440,
  active: true,
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

@Controller('bare')
class BareController {
  @Public()
  @Get('workspace')
  workspace(): typeof WORKSPACE {
    return WORKSPACE;
  }
}

@Module({
  imports: [ServiceModule.forRoot({ serviceName: 'bare-nest', config: BareConfig }), AuthModule.forRoot()],
  controllers: [BareController],
})
class BareModule {}

await runService(BareModule, {
  serviceName: 'bare-nest',
  config: BareConfig,
  docs: { title: 'bare-nest', description: 'Benchmark ceiling: one route, no database' },
});
