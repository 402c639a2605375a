import { Injectable, OnModuleInit } from '@nestjs/common';
import bcrypt from 'bcrypt';
import { createHash } from 'node:crypto';
import { AuthServiceConfig } from '../config.js';

/**
 * bcrypt over a SHA-256 pre-hash: bcrypt reads only 72 bytes, and passwords may be up to 128
 * characters, so the pre-hash makes every character count.
 */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  /** compared against when the email is unknown, so both failures take the same time */
  private dummyHash = '';

  constructor(private readonly config: AuthServiceConfig) {}

  async onModuleInit(): Promise<void> {
    if (this.config.NODE_ENV !== 'test' && this.config.PASSWORD_HASH_COST < 12) {
      throw new Error('PASSWORD_HASH_COST must be at least 12 outside NODE_ENV=test');
    }
    this.dummyHash = await this.hash('not-a-real-password-just-for-timing');
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(prehash(password), this.config.PASSWORD_HASH_COST);
  }

  verify(password: string, hash: string | undefined): Promise<boolean> {
    return bcrypt.compare(prehash(password), hash ?? this.dummyHash).then((ok) => ok && hash !== undefined);
  }
}

function prehash(password: string): string {
  return createHash('sha256').update(password, 'utf8').digest('base64');
}
