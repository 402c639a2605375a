import helmet from '@fastify/helmet';
import { INestApplication, Logger, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { OpenAPIObject } from '@nestjs/swagger';
import type { IncomingMessage } from 'node:http';
import {
  BaseServiceConfig,
  ConfigClass,
  ConfigurationError,
  loadConfig,
  trustProxySetting,
} from '../config/service-config.js';
import { ProblemDetailsFilter } from '../errors/problem-details.filter.js';
import { createPinoLogger, PinoNestLogger } from '../observability/logger.js';
import { ServiceMetrics } from '../observability/metrics.js';
import { acceptRequestId, installRequestContext, REQUEST_ID_HEADER } from '../observability/request-context.js';
import { createValidationPipe } from '../validation/validation.js';
import { ApiDocsOptions, setupApiDocs, writeOpenApi } from './openapi.js';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ServiceAppOptions<T extends BaseServiceConfig> {
  serviceName: string;
  config: ConfigClass<T>;
  docs: ApiDocsOptions;
}

export interface ServiceApp {
  app: NestFastifyApplication;
  openApi: OpenAPIObject;
}

/**
 * Builds a service the one way every service is built: Fastify, request ids, JSON logs,
 * security headers, body limit, CORS, validation, problem+json errors, metrics, Swagger.
 * Does not listen (tests use it as it is); runService() does.
 */
export async function createServiceApp<T extends BaseServiceConfig>(
  module: Type<unknown>,
  options: ServiceAppOptions<T>,
): Promise<ServiceApp> {
  const config = loadConfig(options.config);
  const pino = createPinoLogger(options.serviceName, config.LOG_LEVEL);
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    genReqId: (req: IncomingMessage) => acceptRequestId(req.headers[REQUEST_ID_HEADER]),
    trustProxy: trustProxySetting(config.TRUST_PROXY),
    return503OnClosing: true,
  });
  const fastify = adapter.getInstance();
  installRequestContext(fastify);
  fastify.addHook('onResponse', async (request, reply) => {
    pino.info(
      {
        requestId: request.id,
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
  });

  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: new PinoNestLogger(pino),
    bufferLogs: false,
    // a module that fails to start (bad migration, missing provider) rejects instead of exiting
    // the process: runService() reports it and exits, TestApp.start() fails the test
    abortOnError: false,
  });
  app.get(ServiceMetrics).instrument(fastify);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // Swagger UI inlines its bootstrap script and styles
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
  });
  if (config.CORS_ORIGINS.length > 0) {
    app.enableCors({
      origin: config.CORS_ORIGINS.includes('*') ? true : config.CORS_ORIGINS,
      exposedHeaders: [REQUEST_ID_HEADER, 'retry-after', 'location'],
    });
  }
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableShutdownHooks();
  const openApi = setupApiDocs(app, options.docs);
  return { app, openApi };
}

/** Entry point of a service's main.ts: build, listen, and stop cleanly on SIGTERM/SIGINT. */
export async function runService<T extends BaseServiceConfig>(
  module: Type<unknown>,
  options: ServiceAppOptions<T>,
): Promise<INestApplication> {
  try {
    // a .env file in the working directory fills in what the environment does not set
    if (existsSync('.env')) process.loadEnvFile('.env');
    const config = loadConfig(options.config);
    const { app } = await createServiceApp(module, options);
    await app.listen({ port: config.PORT, host: config.HOST });
    const logger = new Logger(options.serviceName);
    logger.log(`listening on http://${config.HOST}:${config.PORT} (docs at /${options.docs.paths?.[0] ?? 'api/docs'})`);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        // Nest's shutdown hooks close the server (in-flight requests finish) and the database;
        // this timer only bounds how long that may take.
        setTimeout(() => {
          logger.error(`shutdown took longer than ${config.SHUTDOWN_GRACE_MS} ms; exiting`);
          process.exit(1);
        }, config.SHUTDOWN_GRACE_MS).unref();
      });
    }
    return app;
  } catch (error) {
    if (error instanceof ConfigurationError) {
      process.stderr.write(`${options.serviceName}: ${error.message}\n`);
    } else {
      process.stderr.write(`${options.serviceName} failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
    }
    process.exit(1);
  }
}

/**
 * Writes a service's OpenAPI document (the committed `<service>/openapi.json`). The app is built
 * on a throw-away embedded database, so no server and no configuration are needed.
 */
export async function writeServiceOpenApi<T extends BaseServiceConfig>(
  module: Type<unknown>,
  options: ServiceAppOptions<T>,
  file: string,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `${options.serviceName}-openapi-`));
  delete process.env.DATABASE_URL;
  Object.assign(process.env, { DATA_DIR: dir, LOG_LEVEL: 'error' });
  try {
    const { app, openApi } = await createServiceApp(module, options);
    writeOpenApi(openApi, file);
    await app.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
