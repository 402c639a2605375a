import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import { BaseServiceConfig } from '../config/service-config.js';
import { AuthenticationRequiredError } from '../errors/domain-error.js';
import { ACCESS_TOKEN_ALGORITHM, AccessTokenClaims, Principal, USER_ROLES, UserRole } from './principal.js';

/** Where verification keys come from: auth-service's JWKS by default; auth-service uses its own. */
export const VERIFICATION_KEYS = Symbol('VERIFICATION_KEYS');

export function remoteJwks(config: BaseServiceConfig): JWTVerifyGetKey {
  // jose caches the set and refetches it when a token names an unknown `kid`
  // (at most once per cooldown), which is how key rotation reaches us.
  return createRemoteJWKSet(new URL(config.AUTH_JWKS_URL), {
    cacheMaxAge: 10 * 60_000,
    cooldownDuration: 30_000,
    timeoutDuration: config.DOWNSTREAM_TIMEOUT_MS,
  });
}

/** Verified tokens remembered at most (oldest dropped first). */
const VERIFIED_CACHE_SIZE = 10_000;

@Injectable()
export class TokenVerifier {
  /**
   * Tokens that verified, until their own expiry: a service token is presented on every call for
   * five minutes, and checking its ES256 signature each time was a fifth of user-service's CPU
   * (bench/README.md). A token's verdict cannot change before it expires, except when its signing
   * key is withdrawn from the JWKS: a token already seen then keeps working until it expires
   * (access tokens 15 minutes, service tokens 5). Failures are never cached.
   */
  private readonly verified = new Map<string, { principal: Principal; expiresAt: number }>();

  constructor(
    private readonly config: BaseServiceConfig,
    @Inject(VERIFICATION_KEYS) private readonly keys: JWTVerifyGetKey,
  ) {}

  /** Verifies signature (ES256 only: no `none`, no HS256), expiry, issuer and audience. */
  async verify(token: string): Promise<Principal> {
    const known = this.verified.get(token);
    if (known && known.expiresAt > Date.now()) return known.principal;
    if (known) this.verified.delete(token);
    const { principal, expiresAt } = await this.verifyAfresh(token);
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { principal, expiresAt });
    return principal;
  }

  private async verifyAfresh(token: string): Promise<{ principal: Principal; expiresAt: number }> {
    let claims: AccessTokenClaims;
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        issuer: this.config.JWT_ISSUER,
        audience: this.config.JWT_AUDIENCE,
        requiredClaims: ['sub', 'jti', 'exp', 'iat'],
        clockTolerance: 5,
      });
      claims = payload as unknown as AccessTokenClaims;
    } catch (error) {
      throw new AuthenticationRequiredError(describeJoseError(error));
    }
    const expiresAt = claims.exp * 1000;
    if (claims.token_use === 'service') {
      return { principal: { kind: 'service', clientId: claims.sub, tokenId: claims.jti }, expiresAt };
    }
    if (claims.token_use === 'access' && USER_ROLES.includes(claims.role as UserRole)) {
      return {
        principal: { kind: 'user', userId: claims.sub, role: claims.role as UserRole, tokenId: claims.jti },
        expiresAt,
      };
    }
    throw new AuthenticationRequiredError('The token is not an access token');
  }
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The access token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed)
    return `The access token's ${error.claim} claim is not accepted`;
  if (error instanceof joseErrors.JOSEAlgNotAllowed)
    return 'The access token is signed with an algorithm that is not accepted';
  if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWSSignatureVerificationFailed) {
    return 'The access token signature is not valid';
  }
  if (error instanceof joseErrors.JWKSTimeout || (error as { code?: string })?.code === 'ERR_JOSE_GENERIC') {
    return 'The access token could not be verified';
  }
  return 'The access token is not valid';
}
