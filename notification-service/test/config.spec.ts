import { ConfigurationError, loadConfig } from '@cowork/service-kit';
import { undocumentedVariables } from '@cowork/service-kit/testing';
import { fileURLToPath } from 'node:url';
import { NotificationServiceConfig } from '../src/config.js';

describe('notification-service configuration', () => {
  it('documents every variable it reads in .env.example', () => {
    const file = fileURLToPath(new URL('../.env.example', import.meta.url));
    expect(undocumentedVariables(NotificationServiceConfig, file)).toEqual([]);
  });

  it('starts from defaults alone, sending to the development mail sink', () => {
    const config = loadConfig(NotificationServiceConfig, {});
    expect(config).toMatchObject({
      PORT: 3005,
      SMTP_HOST: undefined,
      SMTP_PORT: 587,
      SMTP_SECURE: false,
      MAIL_FROM: 'Cowork <no-reply@cowork.local>',
      MAIL_DISPATCH_INTERVAL_MS: 500,
      MAIL_MAX_ATTEMPTS: 8,
      MAIL_RETRY_BASE_MS: 2000,
      MAIL_RETRY_MAX_MS: 300_000,
      MAIL_SEND_TIMEOUT_MS: 15_000,
      MAIL_SINK_PORT: 2525,
    });
    expect(config.usesMailSink).toBe(true);
    expect(config.mailLeaseMs).toBe(30_000);
  });

  it('reads a real SMTP server', () => {
    const config = loadConfig(NotificationServiceConfig, {
      SMTP_HOST: 'smtp.example.com',
      SMTP_PORT: '465',
      SMTP_SECURE: 'true',
      SMTP_USER: 'cowork',
      SMTP_PASSWORD: 'secret',
      MAIL_FROM: 'bookings@example.com',
      MAIL_DISPATCH_INTERVAL_MS: '0',
    });
    expect(config).toMatchObject({ SMTP_HOST: 'smtp.example.com', SMTP_PORT: 465, SMTP_SECURE: true });
    expect(config.usesMailSink).toBe(false);
    expect(config.MAIL_DISPATCH_INTERVAL_MS).toBe(0);
  });

  it('refuses to start in production without SMTP_HOST, naming it', () => {
    expect(() => loadConfig(NotificationServiceConfig, { NODE_ENV: 'production' })).toThrow(ConfigurationError);
    expect(() => loadConfig(NotificationServiceConfig, { NODE_ENV: 'production', SMTP_HOST: '' })).toThrow(
      /SMTP_HOST must name the SMTP server when NODE_ENV=production/,
    );
    expect(
      loadConfig(NotificationServiceConfig, { NODE_ENV: 'production', SMTP_HOST: 'smtp.example.com' }).SMTP_HOST,
    ).toBe('smtp.example.com');
  });

  it('refuses malformed variables, naming each and never echoing the password', () => {
    const bad = {
      PORT: 'eighty',
      SMTP_PORT: '70000',
      SMTP_SECURE: 'maybe',
      SMTP_PASSWORD: 'hunter2',
      MAIL_FROM: 'not an address',
      MAIL_DISPATCH_INTERVAL_MS: '-1',
      MAIL_DISPATCH_BATCH_SIZE: '0',
      MAIL_MAX_ATTEMPTS: '0',
      MAIL_RETRY_BASE_MS: 'soon',
      MAIL_RETRY_MAX_MS: '0',
      MAIL_SEND_TIMEOUT_MS: '10',
      MAIL_SINK_PORT: '-5',
    };
    let message = '';
    try {
      loadConfig(NotificationServiceConfig, bad);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      message = (error as Error).message;
    }
    for (const name of Object.keys(bad)) expect(message).toMatch(name);
    expect(message).toMatch(/SMTP_PASSWORD needs SMTP_USER/);
    expect(message).not.toMatch(/hunter2/);
  });
});
