import { AuthServiceConfig } from '../config.js';
import { PasswordHasher } from './password-hasher.js';

const config = (overrides: Partial<AuthServiceConfig>) => Object.assign(new AuthServiceConfig(), overrides);

describe('PasswordHasher', () => {
  let hasher: PasswordHasher;

  beforeAll(async () => {
    hasher = new PasswordHasher(config({ NODE_ENV: 'test', PASSWORD_HASH_COST: 4 }));
    await hasher.onModuleInit();
  });

  it('hashes with bcrypt at the configured cost, salted (two hashes of one password differ)', async () => {
    const a = await hasher.hash('correct horse battery staple');
    const b = await hasher.hash('correct horse battery staple');

    expect(a).toMatch(/^\$2b\$04\$.{53}$/);
    expect(b).not.toBe(a);
  });

  it('verifies the right password and rejects a wrong one', async () => {
    const hash = await hasher.hash('correct horse battery staple');

    await expect(hasher.verify('correct horse battery staple', hash)).resolves.toBe(true);
    await expect(hasher.verify('correct horse battery stapler', hash)).resolves.toBe(false);
    await expect(hasher.verify('', hash)).resolves.toBe(false);
  });

  it('returns false when there is no hash (unknown email), even for the password of its timing dummy', async () => {
    await expect(hasher.verify('anything at all', undefined)).resolves.toBe(false);
    await expect(hasher.verify('not-a-real-password-just-for-timing', undefined)).resolves.toBe(false);
  });

  it("tells apart long passwords that differ only after bcrypt's 72-byte limit", async () => {
    const hash = await hasher.hash(`${'a'.repeat(100)}1`);

    await expect(hasher.verify(`${'a'.repeat(100)}2`, hash)).resolves.toBe(false);
    await expect(hasher.verify(`${'a'.repeat(100)}1`, hash)).resolves.toBe(true);
  });

  it('refuses a cost below 12 outside NODE_ENV=test', async () => {
    await expect(
      new PasswordHasher(config({ NODE_ENV: 'production', PASSWORD_HASH_COST: 11 })).onModuleInit(),
    ).rejects.toThrow('PASSWORD_HASH_COST must be at least 12');
  });

  it('uses cost 12 by default', async () => {
    const production = new PasswordHasher(config({ NODE_ENV: 'production' }));
    await production.onModuleInit();

    expect(await production.hash('correct horse battery staple')).toMatch(/^\$2b\$12\$/);
  });
});
