import { Body, Controller, Get, Module, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, MaxLength, Min, ValidateNested } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { AuthModule } from '../auth/auth.module.js';
import { CurrentPrincipal, Public, Roles, ServiceOnly, UsersOrServices } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { BaseServiceConfig } from '../config/service-config.js';
import { DomainError } from '../errors/domain-error.js';
import { TestApp, TestRequest, TestResponse } from '../testing/test-app.js';
import { TestTokenIssuer } from '../testing/test-tokens.js';
import { ServiceModule } from './service-module.js';

class KitTestConfig extends BaseServiceConfig {
  override PORT = 3999;
}

class TagDto {
  @IsString()
  label: string;
}

class CreateThingDto {
  @IsString()
  @MaxLength(50)
  name: string;

  @IsInt()
  @Min(1)
  count: number;

  @IsOptional()
  @ValidateNested()
  @Type(() => TagDto)
  tag?: TagDto;
}

class ThingLockedError extends DomainError {
  constructor(id: string) {
    super('THING_LOCKED', 409, `thing ${id} is locked`, { thingId: id });
  }
}

const INTERNALS = 'connect ECONNREFUSED 10.1.2.3:5432 user=app password=hunter2';

@Controller('things')
class ThingsController {
  @Public()
  @Post()
  create(@Body() dto: CreateThingDto) {
    return { received: dto, isDto: dto instanceof CreateThingDto };
  }

  @Public()
  @Get('locked')
  locked(): never {
    throw new ThingLockedError('t-1');
  }

  @Public()
  @Get('boom')
  boom(): never {
    throw new Error(INTERNALS);
  }

  @Public()
  @Get(':id')
  byId(@Param('id', ParseUUIDPipe) id: string) {
    return { id };
  }
}

@Controller()
class GuardedController {
  @Get('me')
  me(@CurrentPrincipal() principal: Principal) {
    return principal;
  }

  @Roles('ADMIN')
  @Get('admin/report')
  report(@CurrentPrincipal() principal: Principal) {
    return principal;
  }

  @ServiceOnly()
  @Get('internal/sync')
  sync(@CurrentPrincipal() principal: Principal) {
    return principal;
  }

  @UsersOrServices()
  @Get('shared')
  shared(@CurrentPrincipal() principal: Principal) {
    return principal;
  }
}

@Module({
  imports: [ServiceModule.forRoot({ serviceName: 'kit-test', config: KitTestConfig }), AuthModule.forRoot()],
  controllers: [ThingsController, GuardedController],
})
class KitTestModule {}

const options = {
  serviceName: 'kit-test',
  config: KitTestConfig,
  docs: { title: 'Kit test API', description: 'A service built by the kit, for its tests' },
};

let tokens: TestTokenIssuer;
let app: TestApp;
let memberId: string;
let member: string;

beforeAll(async () => {
  tokens = await TestTokenIssuer.create();
  app = await TestApp.start(KitTestModule, options, tokens.env);
  memberId = randomUUID();
  member = await tokens.user(memberId, 'MEMBER');
});

afterAll(async () => {
  await app?.close();
  await tokens?.close();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Every error answer: RFC 9457 problem+json with our members, tied to the request, no internals. */
function expectProblem(res: TestResponse, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    type: `urn:cowork:problem:${code.toLowerCase().replace(/_/g, '-')}`,
    title: expect.any(String),
    status,
    detail: expect.any(String),
    code,
    requestId: res.headers['x-request-id'],
  });
  expect(res.text).not.toMatch(/stack|\.ts:\d+|node_modules|at [A-Za-z.]+ \(/);
}

const fieldsOf = (res: TestResponse) => (res.body.errors as { field: string }[]).map((e) => e.field).sort();

describe('problem+json errors', () => {
  it('answers a DomainError with its status, stable code and extensions', async () => {
    const res = await app.get('/things/locked');
    expectProblem(res, 409, 'THING_LOCKED');
    expect(res.body).toMatchObject({
      type: 'urn:cowork:problem:thing-locked',
      title: 'Conflict',
      detail: 'thing t-1 is locked',
      instance: '/things/locked',
      thingId: 't-1',
    });
  });

  it('answers an unexpected Error with a generic 500 INTERNAL_ERROR that discloses nothing', async () => {
    const res = await app.get('/things/boom');
    expectProblem(res, 500, 'INTERNAL_ERROR');
    expect(res.body.detail).toBe('An unexpected error occurred');
    expect(res.text).not.toContain('10.1.2.3');
    expect(res.text).not.toContain('hunter2');
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const res = await app.post('/things', { rawBody: '{"name": "desk", ' });
    expectProblem(res, 400, 'MALFORMED_JSON');
    expect(res.body.detail).toBe('The request body is not valid JSON');
  });

  it('answers an empty body sent as JSON with 400 MALFORMED_JSON', async () => {
    expectProblem(await app.post('/things', { rawBody: '' }), 400, 'MALFORMED_JSON');
  });

  it('answers wrong types with 400 VALIDATION_FAILED naming each field', async () => {
    const res = await app.post('/things', { body: { name: 42, count: 'three' } });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(res)).toEqual(['count', 'name']);
    expect(res.body.detail).toMatch(/name: .*count: |count: .*name: /);
  });

  it('answers unknown fields with 400 naming them (whitelist + forbidNonWhitelisted)', async () => {
    const res = await app.post('/things', {
      body: { name: 'desk', count: 1, isAdmin: true, tag: { label: 'x', extra: 1 } },
    });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'isAdmin', messages: ['property isAdmin should not exist'] },
        { field: 'tag.extra', messages: ['tag.property extra should not exist'] },
      ]),
    );
    expect(res.body.errors).toHaveLength(2);
  });

  it('names nested fields by their path', async () => {
    const res = await app.post('/things', { body: { name: 'desk', count: 1, tag: { label: 7 } } });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(res)).toEqual(['tag.label']);
  });

  it('answers a missing body with 400 naming the required fields', async () => {
    const res = await app.post('/things');
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(res)).toEqual(['count', 'name']);
  });

  it('accepts a valid body and hands the handler a DTO instance', async () => {
    const res = await app.post('/things', { body: { name: 'desk', count: 2, tag: { label: 'quiet' } } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ received: { name: 'desk', count: 2, tag: { label: 'quiet' } }, isDto: true });
  });

  it('answers a 2 MB body with 413 before it reaches the handler', async () => {
    const res = await app.post('/things', { body: { name: 'x'.repeat(2 * 1024 * 1024), count: 1 } });
    expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
    expect(res.body.detail).toBe('The request body is larger than allowed');
  });

  it('answers a body in a media type it does not parse with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await app.post('/things', {
      rawBody: '<thing><name>desk</name></thing>',
      headers: { 'content-type': 'application/xml' },
    });
    expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers an invalid UUID path parameter with 400', async () => {
    const res = await app.get('/things/not-a-uuid');
    expectProblem(res, 400, 'BAD_REQUEST');
    expect(res.body.detail).toMatch(/uuid/i);
    const id = randomUUID();
    expect((await app.get(`/things/${id}`)).body).toEqual({ id });
  });

  it('answers an unknown route with 404 problem+json', async () => {
    const res = await app.get('/no/such/route');
    expectProblem(res, 404, 'NOT_FOUND');
  });
});

describe('request ids', () => {
  it("echoes the caller's x-request-id on the response and in problem documents", async () => {
    const res = await app.get('/things/locked', { headers: { 'x-request-id': 'gateway-req-42' } });
    expect(res.headers['x-request-id']).toBe('gateway-req-42');
    expect(res.body.requestId).toBe('gateway-req-42');
  });

  it('generates a UUID when the caller sends none', async () => {
    const [a, b] = [await app.get('/health/live'), await app.get('/health/live')];
    expect(a.headers['x-request-id']).toMatch(UUID);
    expect(b.headers['x-request-id']).toMatch(UUID);
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
  });

  it('replaces an x-request-id that is too long or not printable', async () => {
    for (const bad of ['x'.repeat(129), 'has spaces in it', 'line\u0001break']) {
      const res = await app.get('/health/live', { headers: { 'x-request-id': bad } });
      expect(res.headers['x-request-id']).toMatch(UUID);
    }
  });
});

describe('security headers', () => {
  it.each([
    ['a success', '/health/live', 200],
    ['an error', '/things/locked', 409],
  ])('sets helmet headers on %s', async (_label, url, status) => {
    const res = await app.get(url);
    expect(res.status).toBe(status);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'self'");
    expect(res.headers).not.toHaveProperty('x-powered-by');
  });

  it('sends no CORS headers when CORS_ORIGINS is empty', async () => {
    const res = await app.get('/health/live', { headers: { origin: 'https://evil.example' } });
    expect(res.headers).not.toHaveProperty('access-control-allow-origin');
  });
});

describe('operations endpoints', () => {
  it('answers /health/live without a token', async () => {
    const res = await app.get('/health/live');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers /health/ready with no checks when the service has no database', async () => {
    const res = await app.get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', checks: {} });
  });

  it('exposes request durations on /metrics by method, route pattern and status code', async () => {
    const id = randomUUID();
    await app.get(`/things/${id}`);
    await app.get('/things/not-a-uuid');
    await app.post('/things', { body: { name: 'desk', count: 1 } });

    const res = await app.get('/metrics');

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const counts = res.text.split('\n').filter((l) => l.startsWith('http_request_duration_seconds_count{'));
    const labelled = (method: string, route: string, status: number) =>
      counts.some(
        (l) =>
          l.includes(`method="${method}"`) &&
          l.includes(`route="${route}"`) &&
          l.includes(`status_code="${status}"`) &&
          l.includes('service="kit-test"'),
      );
    expect(labelled('GET', '/things/:id', 200)).toBe(true);
    expect(labelled('GET', '/things/:id', 400)).toBe(true);
    expect(labelled('POST', '/things', 201)).toBe(true);
    expect(res.text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(res.text).not.toContain(id); // route patterns, never raw URLs
    expect(res.text).not.toContain('not-a-uuid');
    expect(res.text).toContain('process_cpu_user_seconds_total'); // default process metrics
  });

  it('labels requests that match no route without their URL', async () => {
    await app.get(`/nothing/here/${randomUUID()}`);
    const res = await app.get('/metrics');
    expect(res.text).not.toContain('/nothing/here');
  });

  it('serves the OpenAPI document at /api/docs-json', async () => {
    const res = await app.get('/api/docs-json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(res.body.info).toMatchObject({
      title: 'Kit test API',
      description: 'A service built by the kit, for its tests',
    });
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/things',
        '/things/{id}',
        '/me',
        '/admin/report',
        '/internal/sync',
        '/health/ready',
        '/metrics',
      ]),
    );
    expect(res.body.components.schemas).toHaveProperty('ProblemDto');
    expect(res.body.components.securitySchemes).toHaveProperty('bearer');
    expect(res.body).toEqual(JSON.parse(JSON.stringify(app.openApi)));
  });

  it('serves the Swagger UI at /api/docs', async () => {
    const res = await app.get('/api/docs');
    expect(res.status).toBe(200);
    expect(res.text).toContain('swagger');
  });
});

describe('access tokens', () => {
  it('refuses a request without a token with 401', async () => {
    expectProblem(await app.get('/me'), 401, 'UNAUTHENTICATED');
    for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', member]) {
      expectProblem(await app.get('/me', { headers: { authorization } }), 401, 'UNAUTHENTICATED');
    }
  });

  it('lets a member call a default endpoint and hands it the principal', async () => {
    const res = await app.get('/me', { token: member });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ kind: 'user', userId: memberId, role: 'MEMBER', tokenId: expect.any(String) });
  });

  it('refuses every forged token with 401 and keeps serving after each', async () => {
    const forgeries = await tokens.forgeries(memberId);
    expect(Object.keys(forgeries).sort()).toEqual(
      ['algNone', 'expired', 'garbage', 'hs256WithPublicKey', 'otherKey', 'wrongAudience', 'wrongIssuer'].sort(),
    );
    for (const [name, token] of Object.entries(forgeries)) {
      const res = await app.get('/me', { token });
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
      expectProblem(res, 401, 'UNAUTHENTICATED');
      expect((await app.get('/me', { token: member })).status).toBe(200);
    }
  });

  it('refuses a member on an ADMIN endpoint with 403 and lets an admin in', async () => {
    expectProblem(await app.get('/admin/report', { token: member }), 403, 'FORBIDDEN');
    const admin = await app.get('/admin/report', { token: await tokens.user(randomUUID(), 'ADMIN') });
    expect(admin.status).toBe(200);
    expect(admin.body).toMatchObject({ kind: 'user', role: 'ADMIN' });
  });

  it('refuses a user token on a service-only endpoint with 403 and lets a service in', async () => {
    expectProblem(await app.get('/internal/sync', { token: member }), 403, 'FORBIDDEN');
    expectProblem(
      await app.get('/internal/sync', { token: await tokens.user(randomUUID(), 'ADMIN') }),
      403,
      'FORBIDDEN',
    );
    const res = await app.get('/internal/sync', { token: await tokens.service('booking-service') });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ kind: 'service', clientId: 'booking-service', tokenId: expect.any(String) });
  });

  it('refuses a service token on a users-only endpoint with 403', async () => {
    const service = await tokens.service('booking-service');
    expectProblem(await app.get('/me', { token: service }), 403, 'FORBIDDEN');
    expectProblem(await app.get('/admin/report', { token: service }), 403, 'FORBIDDEN');
  });

  it('lets both users and services call a @UsersOrServices() endpoint', async () => {
    expect((await app.get('/shared', { token: member })).body).toMatchObject({ kind: 'user', userId: memberId });
    expect((await app.get('/shared', { token: await tokens.service('booking-service') })).body).toMatchObject({
      kind: 'service',
      clientId: 'booking-service',
    });
  });

  it('needs no token for @Public() endpoints, and ignores a bad one there', async () => {
    expect((await app.get('/things/locked')).status).toBe(409);
    expect((await app.get('/things/locked', { token: 'not-a-jwt' })).status).toBe(409);
  });
});

describe('resilience', () => {
  it('keeps serving after each bad request', async () => {
    const bad: [string, string, TestRequest][] = [
      ['POST', '/things', { rawBody: '{' }],
      ['POST', '/things', { body: { name: 1 } }],
      ['POST', '/things', { body: { name: 'x'.repeat(2 * 1024 * 1024), count: 1 } }],
      ['GET', '/things/boom', {}],
      ['GET', '/things/zzz', {}],
      ['GET', '/me', { token: 'garbage' }],
      ['GET', '/internal/sync', { token: member }],
      ['DELETE', '/health/live', {}],
    ];
    for (const [method, url, req] of bad) {
      const res = await app.request(method, url, req);
      expect({ method, url, problem: res.headers['content-type'] }).toEqual({
        method,
        url,
        problem: expect.stringMatching(/^application\/problem\+json/),
      });
      const after = await app.post('/things', { body: { name: 'desk', count: 1 } });
      expect(after.status).toBe(201);
    }
  });
});
