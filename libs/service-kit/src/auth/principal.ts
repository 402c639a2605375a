export type UserRole = 'MEMBER' | 'ADMIN';
export const USER_ROLES: readonly UserRole[] = ['MEMBER', 'ADMIN'];

/** Who is calling: a signed-in user, or another service with a service token. */
export type Principal =
  | { kind: 'user'; userId: string; role: UserRole; tokenId: string }
  | { kind: 'service'; clientId: string; tokenId: string };

export type UserPrincipal = Extract<Principal, { kind: 'user' }>;

/** Claims of the tokens auth-service signs. */
export interface AccessTokenClaims {
  iss: string;
  aud: string | string[];
  sub: string;
  jti: string;
  iat: number;
  exp: number;
  /** 'access' for users, 'service' for service tokens */
  token_use: 'access' | 'service';
  role?: UserRole;
}

export const ACCESS_TOKEN_ALGORITHM = 'ES256';

export function isAdmin(principal: Principal): boolean {
  return principal.kind === 'user' && principal.role === 'ADMIN';
}
