import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isTransientDatabaseError } from '../database/unique-violation.js';
import { DomainError } from './domain-error.js';
import { buildProblem, ProblemDocument, sendProblem } from './problem-details.js';

/**
 * The one place where anything thrown becomes an HTTP answer: domain errors keep their code,
 * framework and Prisma errors get stable codes, everything else is a 500 with no internals.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(error: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const problem = toProblem(error);
    if (problem.status >= 500) {
      this.logger.error(
        { err: error, requestId: request.id, code: problem.code },
        `${request.method} ${request.url} failed`,
      );
    }
    sendProblem(request, reply, problem);
  }
}

export function toProblem(error: unknown): ProblemDocument {
  if (error instanceof DomainError) {
    return buildProblem(error.status, error.code, error.message, error.extensions);
  }
  if (error instanceof HttpException) {
    // Nest wraps Fastify's own 4xx errors (body parsing, limits) in an HttpException; keep their codes
    const wrapped = fastifyProblem(error.cause);
    if (wrapped) return wrapped;
    const status = error.getStatus();
    const body = error.getResponse();
    const message =
      typeof body === 'string'
        ? body
        : Array.isArray((body as { message?: unknown }).message)
          ? (body as { message: string[] }).message.join('; ')
          : String((body as { message?: unknown }).message ?? error.message);
    return buildProblem(status, httpCode(status), message);
  }
  const prisma = prismaProblem(error);
  if (prisma) return prisma;
  if (isTransientDatabaseError(error)) {
    return buildProblem(503, 'DATABASE_BUSY', 'The database is busy or unreachable; retry shortly', {
      retryAfterSeconds: 1,
    });
  }
  const fastify = fastifyProblem(error);
  if (fastify) return fastify;
  return buildProblem(500, 'INTERNAL_ERROR', 'An unexpected error occurred');
}

function httpCode(status: number): string {
  switch (status) {
    case 400:
      return 'BAD_REQUEST';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 405:
      return 'METHOD_NOT_ALLOWED';
    case 409:
      return 'CONFLICT';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return 'RATE_LIMITED';
    default:
      return status >= 500 ? 'INTERNAL_ERROR' : 'REQUEST_REJECTED';
  }
}

/** Prisma's known request errors, recognised by shape so the kit needs no generated client. */
function prismaProblem(error: unknown): ProblemDocument | undefined {
  const e = error as { name?: string; code?: string; meta?: Record<string, unknown> };
  if (e?.name !== 'PrismaClientKnownRequestError' || typeof e.code !== 'string') return undefined;
  switch (e.code) {
    case 'P2002':
      return buildProblem(409, 'UNIQUE_VIOLATION', 'A record with these values already exists', {
        fields: e.meta?.target,
      });
    case 'P2025':
      return buildProblem(404, 'NOT_FOUND', 'The record was not found');
    case 'P2003':
      return buildProblem(409, 'REFERENCE_VIOLATION', 'A referenced record does not exist');
    default:
      return undefined;
  }
}

/** Errors Fastify raises before a handler runs (body parsing, limits, content type). */
function fastifyProblem(error: unknown): ProblemDocument | undefined {
  const e = error as { code?: string; statusCode?: number; message?: string };
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 0;
  if (status < 400 || status >= 500) return undefined;
  if (error instanceof SyntaxError) {
    return buildProblem(400, 'MALFORMED_JSON', 'The request body is not valid JSON');
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return buildProblem(413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than allowed');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return buildProblem(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return buildProblem(400, 'MALFORMED_JSON', 'The request body is not valid JSON');
    default:
      return buildProblem(status, httpCode(status), e.message ?? 'The request was rejected');
  }
}
