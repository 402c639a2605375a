import { openApiDrift } from './openapi-drift.js';
import type { TestApp } from './test-app.js';

/** One route a service serves, with what its OpenAPI operation must say. */
export interface DocumentedRoute {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** as the document writes it, path parameters in braces: `/bookings/{id}` */
  path: string;
  /** every status the operation documents, exactly (the kit's global 400, 413 and 500 included) */
  responses: number[];
  /** documented as needing a bearer token */
  auth: boolean;
  /** the schema of the JSON body of the first 2xx response, when it has one */
  ok?: string;
}

/** The parts of an OpenAPI operation the contract reads. */
export interface DocumentedOperation {
  summary?: string;
  description?: string;
  security?: unknown;
  parameters?: { name: string; in: string; required?: boolean; schema?: Record<string, unknown> }[];
  responses: Record<string, { description?: string; content?: Record<string, { schema?: { $ref?: string } }> }>;
}

export interface OpenApiContractOptions {
  /** the committed document: `fileURLToPath(new URL('../openapi.json', import.meta.url))` */
  openApiFile: string;
  /** every operation that is not a GET says in its description what a retry does */
  requireRetryNote?: boolean;
  /** this service's own checks of each route's operation, run in that route's test */
  eachRoute?: (operation: DocumentedOperation, route: DocumentedRoute) => void;
}

const RETRY_NOTE = /retr|repeat|redeliver|idempot/i;
const PROBLEM = '#/components/schemas/ProblemDto';

/**
 * Declares, inside the caller's describe, the tests that hold a service to its OpenAPI contract:
 * the committed openapi.json is what the code generates; the document has exactly `routes`, and
 * Fastify serves each; and one test per route: exactly its statuses, bearer security or none, the
 * success schema, ProblemDto (application/problem+json) on every error status (but the 503 of the
 * kit's health routes, a health document), each path parameter a required UUID, and, with
 * `requireRetryNote`, a description saying what a retry does.
 *
 * `getApp` is called inside the tests, so the app may be started in a beforeAll (or restarted).
 */
export function describeOpenApiContract(
  getApp: () => TestApp,
  routes: DocumentedRoute[],
  options: OpenApiContractOptions,
): void {
  const label = (r: { method: string; path: string }) => `${r.method.toUpperCase()} ${r.path}`;
  const byStatus = (a: number, b: number) => a - b;

  it('openapi.json is committed and matches the code (else: npm run build && npm run openapi)', () => {
    expect(openApiDrift(getApp().openApi, options.openApiFile)).toBeUndefined();
  });

  it('documents exactly the routes the service serves, and the service serves each', () => {
    const app = getApp();
    const documented = Object.entries(app.openApi.paths).flatMap(([path, item]) =>
      Object.keys(item as object).map((method) => label({ method, path })),
    );
    expect(documented.sort()).toEqual(routes.map(label).sort());
    const fastify = app.app.getHttpAdapter().getInstance();
    const unserved = routes
      .filter((r) => !fastify.hasRoute({ method: r.method.toUpperCase() as 'GET', url: fastifyUrl(r.path) }))
      .map(label);
    expect(unserved).toEqual([]);
  });

  it.each(routes)('documents $method $path with its responses, security and schemas', (route) => {
    const op = (getApp().openApi.paths[route.path] as Record<string, DocumentedOperation> | undefined)?.[route.method];
    if (!op) throw new Error(`${label(route)} is not in the OpenAPI document`);

    expect(Object.keys(op.responses).map(Number).sort(byStatus)).toEqual([...route.responses].sort(byStatus));
    if (route.auth) expect(op.security).toEqual([{ bearer: [] }]);
    else expect(op.security).toBeUndefined();
    if (route.ok) {
      const success = op.responses[route.responses.filter((s) => s < 300).sort(byStatus)[0]!];
      expect(success?.content?.['application/json']?.schema?.$ref).toBe(`#/components/schemas/${route.ok}`);
    }
    // the kit's health routes answer 503 with a health document, not a problem
    const errors = route.responses.filter((s) => s >= 400 && !(s === 503 && route.path.startsWith('/health/')));
    expect(errors.map((status) => ({ status, schema: problemSchema(op, status) }))).toEqual(
      errors.map((status) => ({ status, schema: PROBLEM })),
    );
    // every id in a path is a UUID (ParseUUIDPipe answers anything else 400)
    const inPath = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    expect((op.parameters ?? []).filter((p) => p.in === 'path')).toEqual(
      inPath.map((name) =>
        expect.objectContaining({
          name,
          required: true,
          schema: expect.objectContaining({ type: 'string', format: 'uuid' }),
        }),
      ),
    );
    if (options.requireRetryNote && route.method !== 'get') {
      expect({ description: op.description }).toEqual({ description: expect.stringMatching(RETRY_NOTE) });
    }
    options.eachRoute?.(op, route);
  });
}

function problemSchema(op: DocumentedOperation, status: number): string | undefined {
  return op.responses[status]?.content?.['application/problem+json']?.schema?.$ref;
}

/** `/bookings/{id}` as Fastify registers it: `/bookings/:id`. */
function fastifyUrl(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}
