import type { FastifyReply, FastifyRequest } from 'fastify';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problemTypeFor(code: string): string {
  return `urn:cowork:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}

export function buildProblem(
  status: number,
  code: string,
  detail: string,
  extensions: Record<string, unknown> = {},
): ProblemDocument {
  return {
    type: problemTypeFor(code),
    title: TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error'),
    status,
    detail,
    code,
    ...extensions,
  };
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: ProblemDocument): void {
  const retryAfter = problem.retryAfterSeconds;
  if (typeof retryAfter === 'number') reply.header('retry-after', String(Math.ceil(retryAfter)));
  void reply
    .status(problem.status)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send({ ...problem, instance: request.url, requestId: String(request.id) });
}
