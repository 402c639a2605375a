import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits until `condition` holds, polling every few milliseconds; fails naming `what` after
 * `timeoutMs`. For tests of background work: wait for what should happen, never for a fixed time
 * that a loaded machine may not keep to.
 */
export async function until(condition: () => boolean, what = 'the condition', timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(2);
  }
}

export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** A promise the test settles itself: holds a fake's call open until the test lets it go. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * Counts the ticks of a timer of `intervalMs` started now. A timer of the same interval started
 * before it has ticked at least as often, so "the counter reached n" proves that n intervals passed
 * for it as well, however slow the machine: the way to show that something did NOT run.
 */
export function tickCounter(intervalMs: number): { readonly ticks: number; stop(): void } {
  let ticks = 0;
  const timer = setInterval(() => ticks++, intervalMs);
  timer.unref(); // a test that fails before stop() does not keep Jest running
  return {
    get ticks() {
      return ticks;
    },
    stop: () => clearInterval(timer),
  };
}
