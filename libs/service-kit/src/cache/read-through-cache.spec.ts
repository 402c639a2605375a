import { ReadThroughCache } from './read-through-cache.js';

describe('ReadThroughCache', () => {
  let clock = 0;
  const cache = (ttlMs: number, maxEntries?: number) => new ReadThroughCache<number>(ttlMs, maxEntries, () => clock);
  const counter = () => {
    let loads = 0;
    return { load: async () => ++loads, loads: () => loads };
  };
  beforeEach(() => (clock = 1_000));

  it('answers a repeated read from memory, and shares one load between concurrent reads', async () => {
    const c = cache(5_000);
    const n = counter();
    expect(await Promise.all([c.read('k', n.load), c.read('k', n.load)])).toEqual([1, 1]);
    expect(await c.read('k', n.load)).toBe(1);
    expect(n.loads()).toBe(1);
  });

  it('loads again once the time to live has passed, and after clear()', async () => {
    const c = cache(5_000);
    const n = counter();
    await c.read('k', n.load);
    clock += 4_999;
    expect(await c.read('k', n.load)).toBe(1);
    clock += 1;
    expect(await c.read('k', n.load)).toBe(2);
    c.clear();
    expect(await c.read('k', n.load)).toBe(3);
  });

  it('never keeps a failed load: the next read asks again', async () => {
    const c = cache(5_000);
    await expect(c.read('k', () => Promise.reject(new Error('suspended')))).rejects.toThrow('suspended');
    expect(await c.read('k', async () => 7)).toBe(7);
  });

  it('keeps at most maxEntries, dropping the oldest stored first', async () => {
    const c = cache(5_000, 2);
    const n = counter();
    await c.read('a', n.load);
    await c.read('b', n.load);
    await c.read('c', n.load);
    expect(c.size).toBe(2);
    expect(await c.read('a', n.load)).toBe(4);
    expect(await c.read('c', n.load)).toBe(3);
  });

  it('is off at 0: every read loads', async () => {
    const c = cache(0);
    const n = counter();
    await c.read('k', n.load);
    await c.read('k', n.load);
    expect(n.loads()).toBe(2);
    expect(c.size).toBe(0);
  });
});
