import type { LoggerService } from '@nestjs/common';

export interface RecurringPassOptions {
  /** Time between ticks. 0 or less (or not a number): start() does nothing, passes are run by hand (tests). */
  intervalMs: number;
  /** One pass. A tick that comes while the previous pass still runs is skipped, not queued. */
  pass: () => Promise<unknown>;
  /** The owner's logger: a failed pass is logged there as `${failurePrefix}: ${the error's message}`. */
  logger: Pick<LoggerService, 'error'>;
  failurePrefix: string;
  /** Also run a pass at start(), not only once the first interval has passed. */
  runOnStart?: boolean;
}

/**
 * A pass run every `intervalMs` in the background, for a service class that holds one: passes never
 * overlap, a failed pass is logged and the next tick tries again, and stop() waits for the running
 * pass. The owner calls start() from onApplicationBootstrap and awaits stop() from its shutdown hook:
 * beforeApplicationShutdown when the pass needs what closes in onApplicationShutdown (the database).
 */
export class RecurringPass {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(private readonly options: RecurringPassOptions) {}

  /** True once stop() was called: a pass of several batches reads it to end after the current batch. */
  get stopping(): boolean {
    return this.stopped;
  }

  start(): void {
    if (!(this.options.intervalMs > 0) || this.timer || this.stopped) return;
    if (this.options.runOnStart) this.tick();
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
    // the timer alone never keeps the process (or a test run) alive
    this.timer.unref();
  }

  /** No tick after this; resolves once the running pass (if any) has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private tick(): void {
    this.running ??= this.runPass().finally(() => (this.running = undefined));
  }

  /** Never rejects: a failed pass (even one that throws before its first await) is logged. */
  private async runPass(): Promise<void> {
    try {
      await this.options.pass();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.options.logger.error(`${this.options.failurePrefix}: ${message}`);
    }
  }
}
