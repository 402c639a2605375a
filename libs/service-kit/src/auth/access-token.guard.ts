import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AuthenticationRequiredError, ForbiddenError } from '../errors/domain-error.js';
import { CALLERS_KEY, CallerKinds, PUBLIC_KEY, ROLES_KEY } from './auth.decorators.js';
import type { Principal, UserRole } from './principal.js';
import { TokenVerifier } from './token-verifier.js';

/**
 * Global guard: every endpoint needs a valid token unless it is @Public().
 * Then: @ServiceOnly() takes service tokens only, @UsersOrServices() takes both, the default
 * takes users only; @Roles() narrows users by role.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new AuthenticationRequiredError();
    const principal = await this.verifier.verify(token);
    request.principal = principal;

    const callers = this.reflector.getAllAndOverride<CallerKinds>(CALLERS_KEY, targets) ?? 'users';
    if (principal.kind === 'service') {
      if (callers === 'users') throw new ForbiddenError('Service tokens cannot call this endpoint');
      return true;
    }
    if (callers === 'services') throw new ForbiddenError('This endpoint is internal: service tokens only');
    const roles = this.reflector.getAllAndOverride<UserRole[]>(ROLES_KEY, targets);
    if (roles?.length && !roles.includes(principal.role)) {
      throw new ForbiddenError(`This needs the ${roles.join(' or ')} role`);
    }
    return true;
  }
}

function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, value] = header.split(' ');
  return scheme?.toLowerCase() === 'bearer' && value ? value.trim() : undefined;
}
