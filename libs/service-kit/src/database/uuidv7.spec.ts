import { isUUID } from 'class-validator';
import { uuidv7 } from './uuidv7.js';

describe('uuidv7', () => {
  it('is a version 7, RFC 9562 variant UUID that the DTOs and ParseUUIDPipe accept', () => {
    const id = uuidv7();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(isUUID(id, 'all')).toBe(true);
  });

  it('starts with the milliseconds it was made at, so ids sort by time across milliseconds', () => {
    const at = Date.UTC(2026, 10, 25, 12, 0, 0, 123);
    const id = uuidv7(at);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
    expect(uuidv7(at) < uuidv7(at + 1)).toBe(true);
  });

  it('differs within one millisecond and never repeats over many ids', () => {
    const at = Date.now();
    const ids = new Set(Array.from({ length: 10_000 }, () => uuidv7(at)));
    expect(ids.size).toBe(10_000);
  });
});
