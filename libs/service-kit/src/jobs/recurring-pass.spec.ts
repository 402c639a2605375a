import { expectScheduledPasses, PassGate } from '../testing/scheduled-passes.js';
import { deferred, tickCounter, until } from '../testing/waiting.js';
import { RecurringPass } from './recurring-pass.js';

/**
 * No assertion here depends on how long anything takes (the machine may be loaded): the tests wait
 * for conditions, hold passes open with promises they settle themselves, and show that something
 * did NOT run by letting a timer of the same interval, started after the job's, tick several times.
 */
describe('RecurringPass', () => {
  const INTERVAL_MS = 5;
  let logged: string[];
  let jobs: RecurringPass[];
  let counters: { stop(): void }[];

  const job = (pass: () => Promise<unknown>, options: { intervalMs?: number; runOnStart?: boolean } = {}) => {
    const j = new RecurringPass({
      intervalMs: INTERVAL_MS,
      pass,
      logger: { error: (message: string) => logged.push(message) },
      failurePrefix: 'test pass failed',
      ...options,
    });
    jobs.push(j);
    return j;
  };
  /** Started after the job's timer: once it has ticked n times, the job's timer has too (or its ticks were skipped). */
  const ticks = () => {
    const counter = tickCounter(INTERVAL_MS);
    counters.push(counter);
    return counter;
  };

  beforeEach(() => {
    logged = [];
    jobs = [];
    counters = [];
  });
  // a test that failed may leave a job running, or a pass held open that nothing will release
  afterEach(() => {
    for (const counter of counters) counter.stop();
    for (const j of jobs) void j.stop();
  });

  it.each([0, -1])('starts nothing when intervalMs is %i', async (intervalMs) => {
    let passes = 0;
    const j = job(async () => passes++, { intervalMs, runOnStart: true });
    j.start();
    const counter = ticks();
    await until(() => counter.ticks >= 5, 'five ticks of the reference timer');
    expect(passes).toBe(0);
    await j.stop();
    expect(j.stopping).toBe(true);
  });

  it('runs a pass on every tick, the first one an interval after start()', async () => {
    let passes = 0;
    const j = job(async () => passes++);
    j.start();
    expect(passes).toBe(0);
    await until(() => passes >= 3, 'three passes');
    await j.stop();
  });

  it('runs the first pass at once with runOnStart', async () => {
    let passes = 0;
    const j = job(async () => passes++, { intervalMs: 60_000, runOnStart: true });
    j.start();
    expect(passes).toBe(1);
    await j.stop();
    expect(passes).toBe(1);
  });

  it('never runs two passes at once: the ticks during a pass are skipped, and the ones after run again', async () => {
    const gate = deferred();
    let started = 0;
    let active = 0;
    let mostActive = 0;
    const j = job(async () => {
      started++;
      mostActive = Math.max(mostActive, ++active);
      if (started === 1) await gate.promise;
      active--;
    });
    j.start();
    const counter = ticks();
    await until(() => started === 1, 'the first pass');
    await until(() => counter.ticks >= 5, 'five ticks during the first pass');
    expect(started).toBe(1);
    gate.resolve();
    await until(() => started >= 3, 'passes after the first one ended');
    await j.stop();
    expect(mostActive).toBe(1);
  });

  it('stop() waits for the running pass, and no pass starts after it', async () => {
    const gate = deferred();
    const events: string[] = [];
    let started = 0;
    const j = job(async () => {
      started++;
      events.push('pass started');
      await gate.promise;
      events.push('pass ended');
    });
    j.start();
    await until(() => started === 1, 'the first pass');
    expect(j.stopping).toBe(false);

    const stopped = j.stop().then(() => events.push('stopped'));
    expect(j.stopping).toBe(true);
    const counter = ticks();
    await until(() => counter.ticks >= 3, 'three ticks while stopping');
    expect(events).toEqual(['pass started']); // still waiting for the pass
    gate.resolve();
    await stopped;
    expect(events).toEqual(['pass started', 'pass ended', 'stopped']);

    const after = counter.ticks;
    await until(() => counter.ticks >= after + 5, 'five more ticks');
    expect(started).toBe(1);
  });

  it('keeps the schedule its owners check with expectScheduledPasses', async () => {
    const gate = new PassGate();
    const j = job(() => gate.pass());
    await expectScheduledPasses({ intervalMs: INTERVAL_MS, start: () => j.start(), shutdown: () => j.stop() }, gate);
  });

  it('stop() before start(): start() does nothing, and stopping is set for passes run by hand', async () => {
    let passes = 0;
    const j = job(async () => passes++);
    await j.stop();
    expect(j.stopping).toBe(true);
    j.start();
    const counter = ticks();
    await until(() => counter.ticks >= 5, 'five ticks of the reference timer');
    expect(passes).toBe(0);
  });

  it("logs a failed pass with the owner's prefix, and the next tick runs again", async () => {
    let passes = 0;
    const j = job(async () => {
      passes++;
      if (passes === 1) throw new Error('database went away');
    });
    j.start();
    await until(() => passes >= 2, 'a pass after the failed one');
    await j.stop();
    expect(logged).toEqual(['test pass failed: database went away']);
  });

  it('logs a pass that throws before returning a promise, and goes on ticking', async () => {
    let passes = 0;
    const j = job(() => {
      passes++;
      throw new Error('not even started');
    });
    j.start();
    await until(() => passes >= 2, 'two passes');
    await j.stop();
    expect(logged.length).toBe(passes);
    expect(logged[0]).toBe('test pass failed: not even started');
  });
});
