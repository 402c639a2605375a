import { TestApp, TestTokenIssuer, provisionTestDatabase, TestDatabase } from '@cowork/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { AppModule } from '../src/app.module.js';
import { userServiceOptions } from '../src/service.js';

describe('users (smoke)', () => {
  let db: TestDatabase;
  let tokens: TestTokenIssuer;
  let app: TestApp;

  beforeAll(async () => {
    db = await provisionTestDatabase('user-service');
    tokens = await TestTokenIssuer.create();
    app = await TestApp.start(AppModule, userServiceOptions, { ...db.env, ...tokens.env });
  });
  afterAll(async () => {
    await app?.close();
    await tokens?.close();
    await db?.drop();
  });

  it('creates a profile through the internal endpoint and reads it back as the user', async () => {
    const id = randomUUID();
    const created = await app.post('/internal/users', {
      token: await tokens.service('auth-service'),
      body: { id, email: `${id}@example.com`, fullName: 'Ada' },
    });
    expect(created.status).toBe(201);
    const me = await app.get('/users/me', { token: await tokens.user(id) });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id, fullName: 'Ada', role: 'MEMBER', status: 'ACTIVE' });
  });
});
