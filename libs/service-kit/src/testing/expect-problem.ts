import type { TestResponse } from './test-app.js';

/**
 * An RFC 9457 answer: this status, application/problem+json, a stable code (this one, if given)
 * and nothing internal (no stack, no file names, no Prisma). Fails with the body in the message.
 */
export function expectProblem(res: TestResponse, status: number, code?: string): void {
  if (res.status !== status) {
    throw new Error(`expected ${status}${code ? ` ${code}` : ''}, got ${res.status}: ${res.text}`);
  }
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, type: expect.stringMatching(/^urn:cowork:problem:/) });
  expect(typeof res.body.code).toBe('string');
  if (code && res.body.code !== code) throw new Error(`expected code ${code}, got ${res.body.code}: ${res.text}`);
  expect(res.text).not.toMatch(/\bat .+\.(ts|js):\d+|prisma|stack/i);
}
