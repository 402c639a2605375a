import { BadRequestException, ForbiddenException, HttpException } from '@nestjs/common';
import { PrismaClientKnownRequestError } from '@prisma/client/runtime/client';
import { isUniqueViolation, postgresErrorCode, retryTransaction } from '../database/unique-violation.js';
import {
  DependencyUnavailableError,
  DomainError,
  RateLimitedError,
  ResourceNotFoundError,
  ValidationFailedError,
} from './domain-error.js';
import { toProblem } from './problem-details.filter.js';
import { problemTypeFor } from './problem-details.js';

const prismaError = (code: string, meta?: Record<string, unknown>) =>
  new PrismaClientKnownRequestError(`prisma ${code}`, { code, clientVersion: '7.0.0', meta });

describe('toProblem', () => {
  it('keeps a DomainError’s status, code, detail and extensions', () => {
    expect(toProblem(new DomainError('SLOT_TAKEN', 409, 'the slot is taken', { bookingId: 'b-1' }))).toEqual({
      type: 'urn:cowork:problem:slot-taken',
      title: 'Conflict',
      status: 409,
      detail: 'the slot is taken',
      code: 'SLOT_TAKEN',
      bookingId: 'b-1',
    });
  });

  it('lists field violations under errors for VALIDATION_FAILED', () => {
    const problem = toProblem(ValidationFailedError.forField('email', 'email must be an email'));
    expect(problem).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      detail: 'email: email must be an email',
      errors: [{ field: 'email', messages: ['email must be an email'] }],
    });
  });

  it('names the resource in NOT_FOUND codes', () => {
    expect(toProblem(new ResourceNotFoundError('Workspace', 'w-1'))).toMatchObject({
      status: 404,
      code: 'WORKSPACE_NOT_FOUND',
      detail: 'Workspace w-1 was not found',
    });
    expect(new ResourceNotFoundError('refresh token').code).toBe('REFRESH_TOKEN_NOT_FOUND');
  });

  it('carries retryAfterSeconds for rate limits and outages', () => {
    expect(toProblem(new RateLimitedError(30))).toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
      retryAfterSeconds: 30,
    });
    expect(toProblem(new DependencyUnavailableError('payment-service', 7, 'timeout'))).toMatchObject({
      status: 503,
      title: 'Service Unavailable',
      code: 'DEPENDENCY_UNAVAILABLE',
      detail: 'payment-service is unavailable (timeout); try again later',
      dependency: 'payment-service',
      retryAfterSeconds: 7,
    });
  });

  it('gives framework HttpExceptions a stable code from their status', () => {
    expect(toProblem(new BadRequestException('Validation failed (uuid is expected)'))).toMatchObject({
      status: 400,
      code: 'BAD_REQUEST',
      detail: 'Validation failed (uuid is expected)',
    });
    expect(toProblem(new BadRequestException(['a is wrong', 'b is wrong']))).toMatchObject({
      detail: 'a is wrong; b is wrong',
    });
    expect(toProblem(new ForbiddenException())).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(toProblem(new HttpException('teapot', 418))).toMatchObject({
      status: 418,
      code: 'REQUEST_REJECTED',
      title: 'Client Error',
    });
  });

  it('maps Prisma unique, not-found and foreign-key errors to 409/404/409', () => {
    expect(toProblem(prismaError('P2002', { target: ['email'] }))).toMatchObject({
      status: 409,
      code: 'UNIQUE_VIOLATION',
      fields: ['email'],
    });
    expect(toProblem(prismaError('P2025'))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(toProblem(prismaError('P2003'))).toMatchObject({ status: 409, code: 'REFERENCE_VIOLATION' });
  });

  it('answers anything else with a generic 500 that repeats nothing of the error', () => {
    for (const error of [
      prismaError('P2010'),
      new Error('password=hunter2'),
      'a string',
      undefined,
      { statusCode: 502 },
    ]) {
      expect(toProblem(error)).toEqual({
        type: problemTypeFor('INTERNAL_ERROR'),
        title: 'Internal Server Error',
        status: 500,
        detail: 'An unexpected error occurred',
        code: 'INTERNAL_ERROR',
      });
    }
  });
});

describe('transient database failures', () => {
  it.each(['P2024', 'P2028', 'P2034', 'P1001'])(
    'answers Prisma %s with 503 DATABASE_BUSY and Retry-After, not 500',
    (code) => {
      expect(toProblem(prismaError(code))).toMatchObject({ status: 503, code: 'DATABASE_BUSY', retryAfterSeconds: 1 });
    },
  );

  it.each(['40001', '40P01', '53300', '57P01', '08006'])('answers PostgreSQL %s with 503 DATABASE_BUSY', (pgCode) => {
    const error = Object.assign(new Error('driver'), { code: pgCode });
    expect(toProblem(error)).toMatchObject({ status: 503, code: 'DATABASE_BUSY' });
  });

  it.each<[string, Error]>([
    [
      'the server unreachable',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    ],
    ['the connection reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['the connection lost mid-statement', new Error('Connection terminated unexpectedly')],
    ['no pooled connection in time', new Error('timeout exceeded when trying to connect')],
  ])('answers the pg driver reporting %s with 503 DATABASE_BUSY', (_what, error) => {
    expect(toProblem(error)).toMatchObject({ status: 503, code: 'DATABASE_BUSY' });
  });

  it('keeps other database errors a 500 that reveals nothing', () => {
    const error = Object.assign(new Error('relation "x" does not exist'), { code: '42P01' });
    expect(toProblem(error)).toEqual(expect.objectContaining({ status: 500, code: 'INTERNAL_ERROR' }));
    expect(JSON.stringify(toProblem(error))).not.toContain('relation');
  });
});

describe('retryTransaction', () => {
  const deadlock = () => Object.assign(new Error('deadlock detected'), { code: '40P01' });

  it('runs a deadlock victim again and returns what the rerun gives', async () => {
    let runs = 0;
    const result = await retryTransaction(async () => {
      if (++runs < 3) throw deadlock();
      return 'committed';
    });
    expect([result, runs]).toEqual(['committed', 3]);
  });

  it('gives up after the attempts, and never repeats other failures', async () => {
    let runs = 0;
    await expect(retryTransaction(async () => (++runs, Promise.reject(deadlock())), 2)).rejects.toThrow('deadlock');
    expect(runs).toBe(2);
    runs = 0;
    const conflict = Object.assign(new Error('exclusion'), { code: '23P01' });
    await expect(retryTransaction(async () => (++runs, Promise.reject(conflict)))).rejects.toBe(conflict);
    expect(runs).toBe(1);
  });
});

describe('Prisma error helpers', () => {
  it('recognises a unique violation, optionally on given fields', () => {
    const error = prismaError('P2002', { target: ['workspace_id', 'name'] });
    expect(isUniqueViolation(error)).toBe(true);
    expect(isUniqueViolation(error, ['workspace_id', 'name'])).toBe(true);
    expect(isUniqueViolation(error, ['email'])).toBe(false);
    expect(isUniqueViolation(prismaError('P2025'))).toBe(false);
    expect(isUniqueViolation(new Error('P2002'))).toBe(false);
  });

  it("finds PostgreSQL's SQLSTATE behind a driver adapter error (an exclusion constraint)", () => {
    const error = prismaError('P2010', {
      driverAdapterError: { name: 'DriverAdapterError', cause: { originalCode: '23P01', kind: 'postgres' } },
    });
    expect(postgresErrorCode(error)).toBe('23P01');
    expect(postgresErrorCode(new Error('wrapped', { cause: { code: '23505' } }))).toBe('23505');
    expect(postgresErrorCode(prismaError('P2002'))).toBeUndefined();
    expect(postgresErrorCode(new Error('nothing'))).toBeUndefined();
  });
});
