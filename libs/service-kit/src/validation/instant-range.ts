import { ValidationFailedError } from '../errors/domain-error.js';

const DAY_MS = 86_400_000;

/** A half-open [from, to) of UTC instants. */
export interface InstantRange {
  from: Date;
  to: Date;
}

/**
 * The [from, to) of a query whose DTO has checked both are instants with an offset: `to` must be
 * after `from` (400 on the `to` field) and the span at most `maxDays` days, else the caller's own
 * `tooLong` error (given the span in whole days, rounded up).
 */
export function instantRange(
  from: string,
  to: string,
  limit: { maxDays: number; tooLong: (days: number) => Error },
): InstantRange {
  const range = { from: new Date(from), to: new Date(to) };
  const spanMs = range.to.getTime() - range.from.getTime();
  if (!(spanMs > 0)) throw ValidationFailedError.forField('to', 'to must be after from');
  if (spanMs > limit.maxDays * DAY_MS) throw limit.tooLong(Math.ceil(spanMs / DAY_MS));
  return range;
}
