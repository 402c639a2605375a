import { DynamicModule, Global, Module } from '@nestjs/common';
import { BaseServiceConfig, ConfigClass, loadConfig } from './service-config.js';

/**
 * Provides the service's validated config under its own class (for typed injection) and
 * under BaseServiceConfig (for the kit). Loaded when the app is created, not at import.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot<T extends BaseServiceConfig>(schema: ConfigClass<T>): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: schema, useFactory: () => loadConfig(schema) },
        ...(schema === (BaseServiceConfig as unknown) ? [] : [{ provide: BaseServiceConfig, useExisting: schema }]),
      ],
      exports: [schema, BaseServiceConfig],
    };
  }
}
