import { DynamicModule, Global, Module } from '@nestjs/common';
import { BaseServiceConfig, ConfigClass } from '../config/service-config.js';
import { ConfigModule } from '../config/config.module.js';
import { ServiceClientsModule } from '../http-client/service-clients.module.js';
import { ServiceMetrics } from '../observability/metrics.js';
import { OperationsController } from '../observability/operations.controller.js';

export interface ServiceModuleOptions<T extends BaseServiceConfig> {
  serviceName: string;
  config: ConfigClass<T>;
}

export const SERVICE_NAME = Symbol('SERVICE_NAME');

/**
 * What every service imports once in its AppModule: validated config, health and metrics
 * endpoints, and the factory for clients of other services. Add DatabaseModule.forRoot and
 * AuthModule.forRoot beside it.
 */
@Global()
@Module({})
export class ServiceModule {
  static forRoot<T extends BaseServiceConfig>(options: ServiceModuleOptions<T>): DynamicModule {
    return {
      module: ServiceModule,
      imports: [ConfigModule.forRoot(options.config), ServiceClientsModule],
      controllers: [OperationsController],
      providers: [
        { provide: SERVICE_NAME, useValue: options.serviceName },
        { provide: ServiceMetrics, useFactory: () => new ServiceMetrics(options.serviceName) },
      ],
      exports: [SERVICE_NAME, ServiceMetrics, ConfigModule, ServiceClientsModule],
    };
  }
}
