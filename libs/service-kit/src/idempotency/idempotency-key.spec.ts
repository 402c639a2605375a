import { IdempotencyKeyRequiredError, requestFingerprint, requireIdempotencyKey } from './idempotency-key.js';

describe('Idempotency-Key', () => {
  it('accepts 1 to 255 printable ASCII characters', () => {
    expect(requireIdempotencyKey('booking-1:retry')).toBe('booking-1:retry');
    expect(requireIdempotencyKey('k'.repeat(255))).toHaveLength(255);
  });

  it.each([undefined, '', 'has space', 'k'.repeat(256), 'ümlaut'])(
    'refuses %p with 400 IDEMPOTENCY_KEY_REQUIRED',
    (key) => {
      expect(() => requireIdempotencyKey(key)).toThrow(IdempotencyKeyRequiredError);
    },
  );

  it('fingerprints a request independently of key order and omitted fields', () => {
    expect(requestFingerprint({ a: 1, b: { c: 2 } })).toBe(requestFingerprint({ b: { c: 2 }, a: 1, d: undefined }));
    expect(requestFingerprint({ a: 1 })).not.toBe(requestFingerprint({ a: '1' }));
    expect(requestFingerprint({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });
});
