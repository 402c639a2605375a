import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Principal, UserRole } from './principal.js';

export const PUBLIC_KEY = 'cowork:public';
export const ROLES_KEY = 'cowork:roles';
export const CALLERS_KEY = 'cowork:callers';

/** Who may call an endpoint, besides the role check. Default: signed-in users only. */
export type CallerKinds = 'users' | 'services' | 'users-and-services';

/** No token needed (register, login, JWKS, health, docs, catalogue reads). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } } };
const problemDocs = [
  ApiBearerAuth(),
  ApiUnauthorizedResponse({ description: 'Missing, expired or invalid token (UNAUTHENTICATED)', content: problem }),
];

/** Signed-in users with one of these roles. */
export const Roles = (...roles: UserRole[]) =>
  applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ...problemDocs,
    ApiForbiddenResponse({
      description: `Requires role ${roles.join(' or ')}; service tokens are refused (FORBIDDEN)`,
      content: problem,
    }),
  );

/** Internal endpoints: service tokens only; a user token gets 403. */
export const ServiceOnly = () =>
  applyDecorators(
    SetMetadata(CALLERS_KEY, 'services' satisfies CallerKinds),
    ...problemDocs,
    ApiForbiddenResponse({ description: 'Internal endpoint: service tokens only (FORBIDDEN)', content: problem }),
  );

/** Signed-in users and services alike (the handler does the object-level check). */
export const UsersOrServices = () =>
  applyDecorators(SetMetadata(CALLERS_KEY, 'users-and-services' satisfies CallerKinds), ...problemDocs);

/** Any signed-in user (the default; spelled out for documentation). */
export const Authenticated = () =>
  applyDecorators(
    ...problemDocs,
    ApiForbiddenResponse({ description: 'Service tokens cannot call this endpoint (FORBIDDEN)', content: problem }),
  );

/** The verified caller, set by the AccessTokenGuard. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal => ctx.switchToHttp().getRequest<{ principal: Principal }>().principal,
);
