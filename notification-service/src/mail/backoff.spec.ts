import { retryDelayMs } from './backoff.js';

describe('retry delay', () => {
  it('doubles with each failed attempt, from the base delay', () => {
    const top = () => 1; // the random half at its largest: the full exponential delay
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 2000, 300_000, top))).toEqual([2000, 4000, 8000, 16000]);
  });

  it('never exceeds the cap, however many attempts failed', () => {
    expect(retryDelayMs(8, 2000, 300_000, () => 1)).toBe(256_000);
    expect(retryDelayMs(9, 2000, 300_000, () => 1)).toBe(300_000);
    expect(retryDelayMs(500, 2000, 300_000, () => 1)).toBe(300_000);
  });

  it('jitters within the upper half of the delay', () => {
    expect(retryDelayMs(3, 2000, 300_000, () => 0)).toBe(4000);
    expect(retryDelayMs(3, 2000, 300_000, () => 0.5)).toBe(6000);
    const spread = new Set(Array.from({ length: 50 }, () => retryDelayMs(3, 2000, 300_000)));
    expect(spread.size).toBeGreaterThan(1);
    for (const delay of spread) expect(delay >= 4000 && delay <= 8000).toBe(true);
  });
});
