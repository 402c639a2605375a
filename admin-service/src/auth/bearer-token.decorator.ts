import { AuthenticationRequiredError } from '@cowork/service-kit';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** The raw bearer token of `Authorization: Bearer <token>`, or undefined. */
export function bearerTokenOf(header: string | undefined): string | undefined {
  const match = /^bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * The caller's own access token, as it came (already verified by the kit's guard), for calls made
 * on the caller's behalf (`ServiceClient` `onBehalfOf`): the downstream then authorizes and
 * records the real admin rather than this service.
 */
export const BearerToken = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const token = bearerTokenOf(ctx.switchToHttp().getRequest<FastifyRequest>().headers.authorization);
  // unreachable behind the guard, which refuses a request without one first
  if (!token) throw new AuthenticationRequiredError();
  return token;
});
