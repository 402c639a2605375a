import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { createHmac } from 'node:crypto';
import type { UserRole } from '../auth/principal.js';

export interface TokenOverrides {
  issuer?: string;
  audience?: string;
  expiresInSeconds?: number;
  kid?: string;
}

/**
 * Signs tokens shaped like auth-service's and serves their JWKS over real HTTP, so a service
 * under test verifies them exactly as in production. Also forges the bad ones.
 */
export class TestTokenIssuer {
  private server?: Server;
  jwksUrl = '';

  private constructor(
    private readonly privateKey: Parameters<SignJWT['sign']>[0],
    readonly publicJwk: JWK,
    readonly issuer: string,
    readonly audience: string,
  ) {}

  static async create(issuer = 'cowork-auth', audience = 'cowork-api'): Promise<TestTokenIssuer> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: randomUUID(), alg: 'ES256', use: 'sig' };
    const issuerInstance = new TestTokenIssuer(privateKey, jwk, issuer, audience);
    await issuerInstance.listen();
    return issuerInstance;
  }

  /** Environment a service needs to trust these tokens. */
  get env(): Record<string, string> {
    return {
      AUTH_JWKS_URL: this.jwksUrl,
      AUTH_SERVICE_URL: this.jwksUrl.replace('/.well-known/jwks.json', ''),
      JWT_ISSUER: this.issuer,
      JWT_AUDIENCE: this.audience,
    };
  }

  user(userId: string, role: UserRole = 'MEMBER', overrides: TokenOverrides = {}): Promise<string> {
    return this.sign({ role, token_use: 'access' }, userId, overrides);
  }

  service(clientId: string, overrides: TokenOverrides = {}): Promise<string> {
    return this.sign({ token_use: 'service' }, clientId, overrides);
  }

  async sign(claims: Record<string, unknown>, subject: string, overrides: TokenOverrides = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: overrides.kid ?? this.publicJwk.kid!, typ: 'JWT' })
      .setIssuer(overrides.issuer ?? this.issuer)
      .setAudience(overrides.audience ?? this.audience)
      .setSubject(subject)
      .setJti(randomUUID())
      .setIssuedAt(now - (overrides.expiresInSeconds !== undefined && overrides.expiresInSeconds < 0 ? 3600 : 0))
      .setExpirationTime(now + (overrides.expiresInSeconds ?? 900))
      .sign(this.privateKey);
  }

  /** Tokens that must all be refused with 401. */
  async forgeries(userId: string): Promise<Record<string, string>> {
    const other = await TestTokenIssuer.create(this.issuer, this.audience);
    await other.close();
    const header = (h: object) => Buffer.from(JSON.stringify(h)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const payload = header({
      iss: this.issuer,
      aud: this.audience,
      sub: userId,
      role: 'ADMIN',
      token_use: 'access',
      jti: randomUUID(),
      iat: now,
      exp: now + 900,
    });
    const hsInput = `${header({ alg: 'HS256', typ: 'JWT', kid: this.publicJwk.kid })}.${payload}`;
    const hsSignature = createHmac('sha256', JSON.stringify(this.publicJwk)).update(hsInput).digest('base64url');
    return {
      expired: await this.user(userId, 'MEMBER', { expiresInSeconds: -60 }),
      otherKey: await other.user(userId, 'MEMBER', { kid: this.publicJwk.kid }),
      algNone: `${header({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      hs256WithPublicKey: `${hsInput}.${hsSignature}`,
      wrongAudience: await this.user(userId, 'MEMBER', { audience: 'someone-else' }),
      wrongIssuer: await this.user(userId, 'MEMBER', { issuer: 'https://evil.example' }),
      garbage: 'not-a-jwt',
    };
  }

  /** Serves the JWKS, and service tokens to any client (`POST /auth/service-token`), like auth-service. */
  private listen(): Promise<void> {
    this.server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.method === 'POST' && req.url === '/auth/service-token') {
        let body = '';
        req.on('data', (chunk) => (body += chunk));
        req.on('end', () => {
          const { clientId } = JSON.parse(body || '{}') as { clientId?: string };
          void this.service(clientId ?? 'unknown').then((accessToken) =>
            res.end(JSON.stringify({ accessToken, tokenType: 'Bearer', expiresIn: 900 })),
          );
        });
        return;
      }
      res.end(JSON.stringify({ keys: [this.publicJwk] }));
    });
    return new Promise((resolve) =>
      this.server!.listen(0, '127.0.0.1', () => {
        const { port } = this.server!.address() as AddressInfo;
        this.jwksUrl = `http://127.0.0.1:${port}/.well-known/jwks.json`;
        resolve();
      }),
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
