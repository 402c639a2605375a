import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

export const REQUEST_ID_HEADER = 'x-request-id';

interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The id of the request being served, for logs and for outgoing calls; undefined off-request. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** Runs `fn` with a request id (for work started outside a request, e.g. a relay tick). */
export function withRequestId<T>(requestId: string, fn: () => T): T {
  return storage.run({ requestId }, fn);
}

/** A caller's id is kept if it looks sane (bounded, printable); otherwise we mint one. */
export function acceptRequestId(header: unknown): string {
  return typeof header === 'string' && /^[\w.:-]{1,128}$/.test(header) ? header : randomUUID();
}

/**
 * Fastify's `genReqId` honours an incoming x-request-id; this hook echoes it on the response
 * and runs the rest of the request inside an AsyncLocalStorage scope that carries it.
 */
export function installRequestContext(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const requestId = String(request.id);
    void reply.header(REQUEST_ID_HEADER, requestId);
    storage.run({ requestId }, done);
  });
}
