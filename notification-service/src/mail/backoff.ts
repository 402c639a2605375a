/**
 * How long to wait after the `failedAttempts`-th failed attempt: the base delay doubling with each
 * attempt, capped at `maxMs`, with "equal jitter" (half fixed, half random) so emails that failed
 * together (a server outage) do not all come back at the same moment, yet none comes back sooner
 * than half its delay.
 */
export function retryDelayMs(failedAttempts: number, baseMs: number, maxMs: number, random = Math.random): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(failedAttempts, 1) - 1, 40));
  return Math.max(1, Math.round(exponential / 2 + random() * (exponential / 2)));
}
