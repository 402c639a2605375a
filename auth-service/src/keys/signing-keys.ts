import { ACCESS_TOKEN_ALGORITHM } from '@cowork/service-kit';
import { Logger } from '@nestjs/common';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, importPKCS8, JWK } from 'jose';
import { createPublicKey, KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AuthServiceConfig } from '../config.js';

export class SigningKeyError extends Error {}

/**
 * The ES256 key auth-service signs access and service tokens with, and the public half it
 * publishes as JWKS. From JWT_PRIVATE_KEY, or generated once into DATA_DIR for development.
 */
export class SigningKeys {
  private constructor(
    readonly privateKey: Awaited<ReturnType<typeof importPKCS8>>,
    readonly kid: string,
    readonly publicJwk: JWK,
  ) {}

  get jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  static async load(config: AuthServiceConfig): Promise<SigningKeys> {
    const pem = config.JWT_PRIVATE_KEY ?? (await SigningKeys.developmentKey(config));
    const privateKey = await importPKCS8(pem, ACCESS_TOKEN_ALGORITHM, { extractable: false });
    const publicKey: KeyObject = createPublicKey(pem);
    const jwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(jwk);
    return new SigningKeys(privateKey, kid, { ...jwk, kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' });
  }

  private static async developmentKey(config: AuthServiceConfig): Promise<string> {
    if (config.NODE_ENV === 'production') {
      throw new SigningKeyError('JWT_PRIVATE_KEY is required in production (a generated key is for development only)');
    }
    const file = join(config.DATA_DIR, 'auth-service', 'jwt-signing-key.pem');
    if (existsSync(file)) return readFileSync(file, 'utf8');
    const { privateKey } = await generateKeyPair(ACCESS_TOKEN_ALGORITHM, { extractable: true });
    const pem = await exportPKCS8(privateKey);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, pem, { mode: 0o600 });
    chmodSync(file, 0o600);
    new Logger('SigningKeys').warn(`generated a development signing key at ${file}; set JWT_PRIVATE_KEY in production`);
    return pem;
  }
}
