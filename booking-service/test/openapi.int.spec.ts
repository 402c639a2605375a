import { describeOpenApiContract, DocumentedRoute } from '@cowork/service-kit/testing';
import { fileURLToPath } from 'node:url';
import { BookingHarness } from './support/booking-app.js';

const OPENAPI = fileURLToPath(new URL('../openapi.json', import.meta.url));

/** Every route the service serves, with every status it documents (400, 413 and 500 are global). */
const GLOBAL = [400, 413, 500];
const AUTH = [...GLOBAL, 401, 403];
const ROUTES: DocumentedRoute[] = [
  { method: 'get', path: '/health/live', responses: [200, ...GLOBAL], auth: false },
  { method: 'get', path: '/health/ready', responses: [200, ...GLOBAL, 503], auth: false },
  { method: 'get', path: '/metrics', responses: [200, ...GLOBAL], auth: false },
  {
    method: 'post',
    path: '/bookings',
    responses: [201, 202, ...AUTH, 402, 404, 409, 422, 503],
    auth: true,
    ok: 'BookingDto',
  },
  { method: 'get', path: '/bookings', responses: [200, ...AUTH], auth: true, ok: 'BookingPageDto' },
  { method: 'get', path: '/bookings/{id}', responses: [200, ...AUTH, 404], auth: true, ok: 'BookingDto' },
  {
    method: 'post',
    path: '/bookings/{id}/confirm',
    responses: [200, ...AUTH, 402, 404, 409, 503],
    auth: true,
    ok: 'BookingDto',
  },
  { method: 'post', path: '/bookings/{id}/cancel', responses: [200, ...AUTH, 404, 409], auth: true, ok: 'BookingDto' },
  {
    method: 'patch',
    path: '/bookings/{id}',
    responses: [200, ...AUTH, 402, 404, 409, 422, 503],
    auth: true,
    ok: 'BookingDto',
  },
  { method: 'delete', path: '/bookings/{id}', responses: [204, ...AUTH, 404, 409], auth: true },
  { method: 'get', path: '/internal/outbox', responses: [200, ...AUTH], auth: true, ok: 'OutboxEventPageDto' },
  {
    method: 'post',
    path: '/internal/outbox/{id}/retry',
    responses: [200, ...AUTH, 404],
    auth: true,
    ok: 'OutboxEventDto',
  },
  { method: 'get', path: '/internal/bookings/counts', responses: [200, ...AUTH], auth: true, ok: 'BookingCountsDto' },
  { method: 'get', path: '/internal/audit-entries', responses: [200, ...AUTH], auth: true, ok: 'AuditEntryPageDto' },
  { method: 'get', path: '/availability', responses: [200, ...GLOBAL, 404, 503], auth: false, ok: 'AvailabilityDto' },
];

describe('OpenAPI document', () => {
  let h: BookingHarness;

  beforeAll(async () => {
    h = await BookingHarness.start();
  });
  afterAll(async () => {
    await h?.close();
  });

  describeOpenApiContract(() => h.app, ROUTES, { openApiFile: OPENAPI, requireRetryNote: true });

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
