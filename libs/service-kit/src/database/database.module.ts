import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { BaseServiceConfig } from '../config/service-config.js';
import { READINESS_CHECKS, ReadinessCheck } from '../observability/readiness.js';
import { DatabaseConnection, PrismaAdapter } from './database-connection.js';
import { HotPathSql } from './hot-path-sql.js';
import { PRISMA_CLIENT } from './prisma-client.token.js';

export interface PrismaClientLike {
  $disconnect(): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PrismaClientClass<T extends PrismaClientLike> = new (options: { adapter: any }) => T;

export interface DatabaseModuleOptions<T extends PrismaClientLike> {
  serviceName: string;
  /** the service's `prisma/migrations` folder */
  migrationsDir: string;
  /** the service's generated PrismaClient class; it becomes the injection token */
  client: PrismaClientClass<T>;
}

export { PRISMA_CLIENT };

@Injectable()
class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly connection: DatabaseConnection,
    @Inject(PRISMA_CLIENT) private readonly client: PrismaClientLike,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client.$disconnect();
    await this.connection.close();
  }
}

/**
 * Opens the service's database (PostgreSQL or embedded PGlite), applies its migrations before
 * anything else can use it, and provides its PrismaClient under the client's own class.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot<T extends PrismaClientLike>(options: DatabaseModuleOptions<T>): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DatabaseConnection,
          inject: [BaseServiceConfig],
          useFactory: async (config: BaseServiceConfig) => {
            const connection = DatabaseConnection.open({
              serviceName: options.serviceName,
              url: config.DATABASE_URL,
              dataDir: config.DATA_DIR,
              poolSize: config.DATABASE_POOL_SIZE,
            });
            try {
              await connection.migrate(options.migrationsDir);
            } catch (error) {
              await connection.close();
              throw error;
            }
            return connection;
          },
        },
        {
          provide: PRISMA_CLIENT,
          inject: [DatabaseConnection],
          useFactory: (connection: DatabaseConnection) =>
            new options.client({ adapter: connection.adapter satisfies PrismaAdapter }),
        },
        { provide: options.client, useExisting: PRISMA_CLIENT },
        {
          provide: READINESS_CHECKS,
          inject: [DatabaseConnection],
          useFactory: (connection: DatabaseConnection): ReadinessCheck[] => [
            { name: 'database', check: () => connection.ping() },
          ],
        },
        DatabaseLifecycle,
        HotPathSql,
      ],
      exports: [DatabaseConnection, options.client, PRISMA_CLIENT, READINESS_CHECKS, HotPathSql],
    };
  }
}
