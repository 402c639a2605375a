import { Deferred, deferred, tickCounter, until } from './waiting.js';

/** A fake's calls held open, each until the test releases it: the fake awaits `gate.pass()` once per pass. */
export class PassGate {
  private readonly held: Deferred[] = [];

  /** Passes started so far. */
  get calls(): number {
    return this.held.length;
  }

  /** For the fake: resolves once the test releases this call. */
  pass(): Promise<void> {
    const call = deferred();
    this.held.push(call);
    return call.promise;
  }

  /** Lets the n-th call (from 0) go on. */
  release(n: number): void {
    this.held[n]!.resolve();
  }

  /** Lets every call go on: after a failed check, so that the owner's shutdown does not hang too. */
  releaseAll(): void {
    for (const call of this.held) call.resolve();
  }
}

export interface ScheduledPasses {
  /** the class's timer interval */
  intervalMs: number;
  /** its bootstrap hook, and its shutdown hook */
  start(): void;
  shutdown(): Promise<void>;
}

/**
 * The schedule every owner of a RecurringPass keeps, checked through its lifecycle hooks: at most
 * one pass at a time (the ticks during one are skipped), a pass again at a later tick, and a
 * shutdown that waits for the running pass, after which none starts. Waits for conditions only, and
 * shows that nothing ran by letting a timer of the same interval, started later, tick a few times.
 */
export async function expectScheduledPasses(
  { intervalMs, start, shutdown }: ScheduledPasses,
  gate: PassGate,
): Promise<void> {
  start();
  const clock = tickCounter(intervalMs);
  let stopped: Promise<unknown> | undefined;
  try {
    await until(() => gate.calls === 1, 'the first pass');
    const ticksBefore = clock.ticks;
    await until(() => clock.ticks >= ticksBefore + 5, 'five ticks during the first pass');
    expect(gate.calls).toBe(1);
    gate.release(0);
    await until(() => gate.calls === 2, 'a pass at a later tick');

    let shutDown = false;
    stopped = shutdown().then(() => (shutDown = true));
    const ticks = clock.ticks;
    await until(() => clock.ticks >= ticks + 2, 'two ticks while shutting down');
    expect(shutDown).toBe(false); // it waits for the running pass
    gate.release(1);
    await stopped;
    const after = clock.ticks;
    await until(() => clock.ticks >= after + 5, 'five ticks after shutdown');
    expect(gate.calls).toBe(2);
  } finally {
    // a failed check leaves nothing running or held for the tests after it
    clock.stop();
    gate.releaseAll();
    await (stopped ?? shutdown());
  }
}

/** With its interval set to 0 the class runs nothing on its own: `passes` stays 0 while a 10 ms timer ticks. */
export async function expectNoScheduledPasses(
  { start, shutdown }: Omit<ScheduledPasses, 'intervalMs'>,
  passes: () => number,
): Promise<void> {
  start();
  const clock = tickCounter(10);
  try {
    await until(() => clock.ticks >= 5, 'five ticks of 10 ms');
  } finally {
    clock.stop();
  }
  await shutdown();
  expect(passes()).toBe(0);
}
