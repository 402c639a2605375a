import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { createServiceApp, ServiceAppOptions } from '../bootstrap/create-service-app.js';
import type { BaseServiceConfig } from '../config/service-config.js';
import { DatabaseConnection } from '../database/database-connection.js';
import { findSchemaDrift } from './schema-drift.js';

export interface TestResponse<T = any> {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: T;
  text: string;
}

export interface TestRequest {
  token?: string;
  body?: unknown;
  /** sent as it is (for malformed JSON) */
  rawBody?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
}

/** A service app built exactly as in production, driven in-process through Fastify's inject. */
export class TestApp {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly openApi: OpenAPIObject,
    private readonly envBefore: NodeJS.ProcessEnv,
  ) {}

  /**
   * Sets `env` on process.env, then builds and inits; close() puts process.env back as it was,
   * so one file can start several apps with different settings.
   */
  static async start<T extends BaseServiceConfig>(
    module: Type<unknown>,
    options: ServiceAppOptions<T>,
    env: Record<string, string>,
  ): Promise<TestApp> {
    const envBefore = { ...process.env };
    Object.assign(process.env, { NODE_ENV: 'test', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' }, env);
    try {
      const { app, openApi } = await createServiceApp(module, options);
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
      return new TestApp(app, openApi, envBefore);
    } catch (error) {
      restoreEnv(envBefore);
      throw error;
    }
  }

  get<T = any>(url: string, req: TestRequest = {}) {
    return this.request<T>('GET', url, req);
  }
  post<T = any>(url: string, req: TestRequest = {}) {
    return this.request<T>('POST', url, req);
  }
  patch<T = any>(url: string, req: TestRequest = {}) {
    return this.request<T>('PATCH', url, req);
  }
  delete<T = any>(url: string, req: TestRequest = {}) {
    return this.request<T>('DELETE', url, req);
  }

  async request<T = any>(method: string, url: string, req: TestRequest = {}): Promise<TestResponse<T>> {
    const headers: Record<string, string> = { ...req.headers };
    if (req.token) headers.authorization = `Bearer ${req.token}`;
    let payload: string | undefined;
    if (req.rawBody !== undefined) {
      payload = req.rawBody;
      headers['content-type'] ??= 'application/json';
    } else if (req.body !== undefined) {
      payload = JSON.stringify(req.body);
      headers['content-type'] = 'application/json';
    }
    const res = await this.app
      .getHttpAdapter()
      .getInstance()
      .inject({
        method: method as 'GET',
        url,
        query: req.query,
        headers,
        payload,
      });
    let body: unknown = undefined;
    const type = String(res.headers['content-type'] ?? '');
    if (type.includes('json') && res.body) body = JSON.parse(res.body);
    return { status: res.statusCode, headers: res.headers, body: body as T, text: res.body };
  }

  /** What schema.prisma declares that this app's freshly migrated database lacks ([] = agree). */
  async schemaDrift(schemaFile: string): Promise<string[]> {
    const session = await this.app.get(DatabaseConnection).session();
    try {
      return await findSchemaDrift(schemaFile, session);
    } finally {
      await session.release();
    }
  }

  async close(): Promise<void> {
    try {
      await this.app.close();
    } finally {
      restoreEnv(this.envBefore);
    }
  }
}

function restoreEnv(snapshot: NodeJS.ProcessEnv): void {
  for (const key of Object.keys(process.env)) if (!(key in snapshot)) delete process.env[key];
  Object.assign(process.env, snapshot);
}
