import { jest } from '@jest/globals';
import { AuthServiceConfig } from '../config.js';
import { AdminBootstrap } from './admin-bootstrap.js';
import type { AuthService } from './auth.service.js';

describe('AdminBootstrap', () => {
  const config = Object.assign(new AuthServiceConfig(), {
    ADMIN_EMAIL: 'admin@example.com',
    ADMIN_PASSWORD: 'admin-password',
  });
  let ensureAdmin: jest.Mock<AuthService['ensureAdmin']>;
  const bootstrap = (cfg: AuthServiceConfig = config) =>
    new AdminBootstrap(cfg, { ensureAdmin } as unknown as AuthService);

  beforeEach(() => {
    jest.useFakeTimers();
    ensureAdmin = jest.fn<AuthService['ensureAdmin']>();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('does nothing without ADMIN_EMAIL and ADMIN_PASSWORD', () => {
    bootstrap(Object.assign(new AuthServiceConfig(), { ADMIN_EMAIL: 'admin@example.com' })).onApplicationBootstrap();

    expect(ensureAdmin).not.toHaveBeenCalled();
  });

  it('creates the admin with the configured name', async () => {
    ensureAdmin.mockResolvedValue('created');

    bootstrap().onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);

    expect(ensureAdmin).toHaveBeenCalledWith('admin@example.com', 'admin-password', 'Platform Admin');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('retries with growing delays until it succeeds', async () => {
    ensureAdmin
      .mockRejectedValueOnce(new Error('down'))
      .mockRejectedValueOnce(new Error('down'))
      .mockResolvedValue('created');

    bootstrap().onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    expect(ensureAdmin).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(999);
    expect(ensureAdmin).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(ensureAdmin).toHaveBeenCalledTimes(2);
    await jest.advanceTimersByTimeAsync(2000);
    expect(ensureAdmin).toHaveBeenCalledTimes(3);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('stops retrying on shutdown', async () => {
    ensureAdmin.mockRejectedValue(new Error('down'));
    const sut = bootstrap();
    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);

    sut.onApplicationShutdown();
    await jest.advanceTimersByTimeAsync(60_000);

    expect(ensureAdmin).toHaveBeenCalledTimes(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('schedules no retry when the attempt in flight at shutdown fails (it would hold the process open)', async () => {
    let fail!: (error: Error) => void;
    ensureAdmin.mockReturnValue(new Promise((_, reject) => (fail = reject)));
    const sut = bootstrap();
    sut.onApplicationBootstrap();

    sut.onApplicationShutdown();
    fail(new Error('database closed'));
    await jest.advanceTimersByTimeAsync(0);

    expect(jest.getTimerCount()).toBe(0);
  });
});
