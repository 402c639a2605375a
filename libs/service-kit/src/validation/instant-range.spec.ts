import { ValidationFailedError } from '../errors/domain-error.js';
import { instantRange } from './instant-range.js';

describe('instantRange', () => {
  const tooLong = (days: number) => new Error(`too long: ${days} days`);

  it('gives the half-open range, up to exactly the limit', () => {
    expect(instantRange('2026-01-01T00:00:00Z', '2026-01-08T00:00:00Z', { maxDays: 7, tooLong })).toEqual({
      from: new Date('2026-01-01T00:00:00Z'),
      to: new Date('2026-01-08T00:00:00Z'),
    });
  });

  it.each([
    ['equal', '2026-01-01T00:00:00Z'],
    ['before from', '2025-12-31T23:59:59Z'],
  ])('refuses a to %s from as VALIDATION_FAILED on to', (_label, to) => {
    let error: unknown;
    try {
      instantRange('2026-01-01T00:00:00Z', to, { maxDays: 7, tooLong });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationFailedError);
    expect((error as ValidationFailedError).violations).toEqual([{ field: 'to', messages: ['to must be after from'] }]);
  });

  it("answers a span over the limit with the caller's error, given the days rounded up", () => {
    expect(() => instantRange('2026-01-01T00:00:00Z', '2026-01-08T00:00:01Z', { maxDays: 7, tooLong })).toThrow(
      'too long: 8 days',
    );
  });
});
