import { DependencyUnavailableError, DownstreamRejectedError, isUniqueViolation, UserRole } from '@cowork/service-kit';
import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { UserProfile, UserServiceClient } from '../clients/user-service.client.js';
import { CredentialStatus } from '../generated/prisma/enums.js';
import { TokenIssuer } from '../keys/token-issuer.js';
import { RefreshTokens } from '../sessions/refresh-tokens.js';
import {
  AccountSuspendedError,
  EmailAlreadyRegisteredError,
  InvalidCredentialsError,
  InvalidRefreshTokenError,
  RefreshTokenReusedError,
} from './auth.errors.js';
import { CredentialsRepository } from './credentials.repository.js';
import { AuthSessionDto, LoginDto, RegisterDto } from './dto/auth.dto.js';
import { LoginThrottle } from './login-throttle.js';
import { PasswordHasher } from './password-hasher.js';

/** A PENDING registration older than this was abandoned (its process died) and may be replaced. */
const ABANDONED_REGISTRATION_MS = 2 * 60_000;

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly credentials: CredentialsRepository,
    private readonly passwords: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly refreshTokens: RefreshTokens,
    private readonly tokens: TokenIssuer,
    private readonly users: UserServiceClient,
  ) {}

  /**
   * Credentials are written PENDING, the profile is created in user-service, then the
   * credentials become ACTIVE. If user-service fails, the PENDING row is deleted (and the
   * profile too, in case it was created but the answer lost): no orphan credentials, 503.
   */
  async register(input: RegisterDto, role: UserRole = 'MEMBER'): Promise<AuthSessionDto> {
    const passwordHash = await this.passwords.hash(input.password);
    const id = randomUUID();
    await this.reserveEmail(id, input.email, passwordHash);
    let profile: UserProfile;
    try {
      profile = await this.users.createProfile({ id, email: input.email, fullName: input.fullName, role });
    } catch (error) {
      await this.credentials.deletePending(id);
      if (error instanceof DownstreamRejectedError && error.downstreamStatus === 409) {
        throw new EmailAlreadyRegisteredError();
      }
      if (error instanceof DependencyUnavailableError) await this.compensateProfile(id);
      throw error;
    }
    await this.credentials.activate(id);
    return this.startSession(profile);
  }

  async login(input: LoginDto, ip: string): Promise<AuthSessionDto> {
    // counted before the password is checked, so concurrent guesses cannot outrun the limit
    await this.throttle.claimAttempt(input.email, ip);
    const credential = await this.credentials.findByEmail(input.email);
    const active = credential?.status === CredentialStatus.ACTIVE ? credential : undefined;
    const ok = await this.passwords.verify(input.password, active?.passwordHash);
    if (!ok || !active) throw new InvalidCredentialsError();
    await this.throttle.recordSuccess(input.email, ip);
    const profile = await this.activeProfile(active.id);
    return this.startSession(profile);
  }

  /**
   * Checks the user with user-service before consuming the token, so that an outage answers 503
   * and leaves the token usable for the retry.
   */
  async refresh(refreshToken: string): Promise<AuthSessionDto> {
    const current = await this.refreshTokens.find(refreshToken);
    if (!current) throw new InvalidRefreshTokenError();
    const usable = !current.usedAt && !current.revokedAt && current.expiresAt.getTime() > Date.now();
    const profile = usable
      ? await this.activeProfile(current.userId, () => this.refreshTokens.revokeFamily(current.familyId))
      : undefined;
    const outcome = await this.refreshTokens.rotate(refreshToken);
    if (outcome.kind === 'reused') {
      this.logger.warn({ msg: 'refresh token reuse detected; family revoked', userId: outcome.userId });
      throw new RefreshTokenReusedError();
    }
    if (outcome.kind === 'expired') throw new InvalidRefreshTokenError('The refresh token has expired');
    if (outcome.kind === 'revoked') throw new InvalidRefreshTokenError('The refresh token has been revoked');
    if (outcome.kind === 'unknown' || !profile) throw new InvalidRefreshTokenError();
    const access = await this.tokens.accessToken(profile.id, profile.role);
    return {
      user: toAuthUser(profile),
      accessToken: access.token,
      refreshToken: outcome.token,
      expiresIn: access.expiresIn,
    };
  }

  /** Ends the login the token belongs to. Unknown tokens are ignored: logout is idempotent. */
  async logout(refreshToken: string): Promise<void> {
    const current = await this.refreshTokens.find(refreshToken);
    if (current) await this.refreshTokens.revokeFamily(current.familyId);
  }

  async me(userId: string): Promise<{ id: string; email: string }> {
    const credential = await this.credentials.findById(userId);
    if (!credential) throw new InvalidCredentialsError();
    return { id: credential.id, email: credential.email };
  }

  revokeSessions(userId: string): Promise<number> {
    return this.refreshTokens.revokeAllOf(userId);
  }

  /** The first admin: created once from ADMIN_EMAIL/ADMIN_PASSWORD when no account has that email. */
  async ensureAdmin(email: string, password: string, fullName: string): Promise<'created' | 'exists'> {
    const existing = await this.credentials.findByEmail(email.toLowerCase());
    if (existing?.status === CredentialStatus.ACTIVE) return 'exists';
    await this.register({ email: email.toLowerCase(), password, fullName }, 'ADMIN');
    return 'created';
  }

  private async reserveEmail(id: string, email: string, passwordHash: string): Promise<void> {
    try {
      await this.credentials.createPending({ id, email, passwordHash });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const existing = await this.credentials.findByEmail(email);
      const abandoned =
        existing?.status === CredentialStatus.PENDING &&
        Date.now() - existing.createdAt.getTime() > ABANDONED_REGISTRATION_MS;
      if (!abandoned) throw new EmailAlreadyRegisteredError();
      await this.compensateProfile(existing.id);
      await this.credentials.deletePending(existing.id);
      await this.credentials.createPending({ id, email, passwordHash });
    }
  }

  private async compensateProfile(id: string): Promise<void> {
    await this.users
      .deleteProfile(id)
      .catch((error: Error) =>
        this.logger.warn(`could not remove profile ${id} after a failed registration: ${error.message}`),
      );
  }

  private async activeProfile(userId: string, onSuspended?: () => Promise<void>): Promise<UserProfile> {
    const profile = await this.users.getProfile(userId);
    if (!profile) throw new InvalidCredentialsError();
    if (profile.status !== 'ACTIVE') {
      await onSuspended?.();
      throw new AccountSuspendedError();
    }
    return profile;
  }

  private async startSession(profile: UserProfile): Promise<AuthSessionDto> {
    const [access, refreshToken] = await Promise.all([
      this.tokens.accessToken(profile.id, profile.role),
      this.refreshTokens.issue(profile.id),
    ]);
    return { user: toAuthUser(profile), accessToken: access.token, refreshToken, expiresIn: access.expiresIn };
  }
}

function toAuthUser(profile: UserProfile) {
  return { id: profile.id, email: profile.email, fullName: profile.fullName, role: profile.role };
}
