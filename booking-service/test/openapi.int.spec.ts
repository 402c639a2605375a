import { openApiDrift } from '@cowork/service-kit/testing';
import { fileURLToPath } from 'node:url';
import { BookingHarness } from './support/booking-app.js';

const OPENAPI = fileURLToPath(new URL('../openapi.json', import.meta.url));

/** Every route the service serves, with the statuses it must document (400 and 500 are global). */
const ROUTES: { method: string; path: string; responses: number[]; auth: boolean; ok?: string }[] = [
  { method: 'get', path: '/health/live', responses: [200, 400, 500], auth: false },
  { method: 'get', path: '/health/ready', responses: [200, 400, 500, 503], auth: false },
  { method: 'get', path: '/metrics', responses: [200, 400, 500], auth: false },
  {
    method: 'post',
    path: '/bookings',
    responses: [201, 202, 400, 401, 402, 403, 404, 409, 422, 500, 503],
    auth: true,
    ok: 'BookingDto',
  },
  { method: 'get', path: '/bookings', responses: [200, 400, 401, 403, 500], auth: true, ok: 'BookingPageDto' },
  { method: 'get', path: '/bookings/{id}', responses: [200, 400, 401, 404, 500], auth: true, ok: 'BookingDto' },
  {
    method: 'post',
    path: '/bookings/{id}/confirm',
    responses: [200, 400, 401, 402, 404, 409, 500, 503],
    auth: true,
    ok: 'BookingDto',
  },
  {
    method: 'post',
    path: '/bookings/{id}/cancel',
    responses: [200, 400, 401, 404, 409, 500],
    auth: true,
    ok: 'BookingDto',
  },
  {
    method: 'patch',
    path: '/bookings/{id}',
    responses: [200, 400, 401, 402, 404, 409, 422, 500, 503],
    auth: true,
    ok: 'BookingDto',
  },
  { method: 'delete', path: '/bookings/{id}', responses: [204, 400, 401, 403, 404, 409, 500], auth: true },
  {
    method: 'get',
    path: '/internal/outbox',
    responses: [200, 400, 401, 403, 500],
    auth: true,
    ok: 'OutboxEventPageDto',
  },
  {
    method: 'post',
    path: '/internal/outbox/{id}/retry',
    responses: [200, 400, 401, 403, 404, 500],
    auth: true,
    ok: 'OutboxEventDto',
  },
  {
    method: 'get',
    path: '/internal/bookings/counts',
    responses: [200, 400, 401, 403, 500],
    auth: true,
    ok: 'BookingCountsDto',
  },
  {
    method: 'get',
    path: '/internal/audit-entries',
    responses: [200, 400, 401, 403, 500],
    auth: true,
    ok: 'AuditEntryPageDto',
  },
  { method: 'get', path: '/availability', responses: [200, 400, 404, 500, 503], auth: false, ok: 'AvailabilityDto' },
];

describe('OpenAPI document', () => {
  let h: BookingHarness;

  beforeAll(async () => {
    h = await BookingHarness.start();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('is committed and matches what the code generates (else: npm run build && npm run openapi)', () => {
    expect(openApiDrift(h.app.openApi, OPENAPI)).toBeUndefined();
  });

  it('lists exactly the routes the service serves', () => {
    const documented = Object.entries(h.app.openApi.paths).flatMap(([path, item]) =>
      Object.keys(item as object).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort());
    const fastify = h.app.app.getHttpAdapter().getInstance();
    const unserved = ROUTES.filter(
      (r) => !fastify.hasRoute({ method: r.method.toUpperCase() as 'GET', url: r.path.replace('{id}', ':id') }),
    );
    expect(unserved).toEqual([]);
  });

  it.each(ROUTES)('documents $method $path with its statuses, security and body schema', (route) => {
    const op = (h.app.openApi.paths[route.path] as Record<string, any>)[route.method];
    // at least these (the kit may document more for every route, e.g. 413)
    expect(Object.keys(op.responses).map(Number)).toEqual(expect.arrayContaining(route.responses));
    if (route.auth) expect(op.security).toEqual([{ bearer: [] }]);
    else expect(op.security).toBeUndefined();
    if (route.ok) {
      const success = op.responses[route.responses.find((s) => s < 300)!];
      expect(success.content['application/json'].schema.$ref).toBe(`#/components/schemas/${route.ok}`);
    }
    // 401 and the admin-role 403 come from the kit's auth decorators (described, not typed)
    const own = route.path.startsWith('/health') ? [400, 500] : [400, 402, 403, 404, 409, 422, 500, 503];
    const typed = route.responses.filter((s) => own.includes(s) && !(route.method === 'delete' && s === 403));
    for (const status of typed) {
      expect(op.responses[status].content?.['application/problem+json']?.schema?.$ref).toBe(
        '#/components/schemas/ProblemDto',
      );
    }
    for (const param of op.parameters ?? []) {
      // (a non-UUID id is answered 400 by ParseUUIDPipe; the document does not say format: uuid)
      if (param.in === 'path') expect(param).toMatchObject({ name: 'id', required: true, schema: { type: 'string' } });
    }
  });

  it('documents the Idempotency-Key header of POST /bookings as required, and the booking shape', () => {
    const create = (h.app.openApi.paths['/bookings'] as Record<string, any>).post;
    expect(create.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true })]),
    );
    const schemas = h.app.openApi.components!.schemas as Record<string, any>;
    expect(schemas.BookingDto.required).toEqual(
      expect.arrayContaining(['id', 'status', 'priceCents', 'currency', 'startTime', 'endTime', 'version']),
    );
    expect(schemas.BookingStatus.enum).toEqual(['PENDING', 'CONFIRMED', 'CANCELLED', 'PAYMENT_FAILED', 'EXPIRED']);
    // a held booking (202) has the same shape as a confirmed one (201)
    expect(create.responses[202].content['application/json'].schema.$ref).toBe('#/components/schemas/BookingDto');
    expect(schemas.CreateBookingDto.properties.paymentMethod).toMatchObject({ type: 'string' });
    expect(schemas.CreateBookingDto.required.sort()).toEqual(['endTime', 'startTime', 'workspaceId']);
    const list = (h.app.openApi.paths['/bookings'] as Record<string, any>).get;
    expect(list.parameters.map((p: { name: string }) => p.name).sort()).toEqual(
      ['cursor', 'from', 'limit', 'status', 'to', 'userId', 'workspaceId'].sort(),
    );
  });

  it('is served at /api/docs-json exactly as generated', async () => {
    const res = await h.app.get('/api/docs-json');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(h.app.openApi)));
  });
});
