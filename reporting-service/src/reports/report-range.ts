import { ValidationFailedError } from '@cowork/service-kit';
import { ReportRangeTooLongError } from './reports.errors.js';

/** Half-open [from, to) of UTC instants. */
export interface ReportRange {
  from: Date;
  to: Date;
}

const DAY_MS = 86_400_000;

/**
 * The range of a report request (the DTO has checked both are instants with an offset and that
 * to is after from), within the endpoint's limit of days: `variable` names the setting.
 */
export function reportRange(from: string, to: string, maxDays: number, variable: string): ReportRange {
  const range = { from: new Date(from), to: new Date(to) };
  if (!(range.to.getTime() > range.from.getTime())) throw ValidationFailedError.forField('to', 'to must be after from');
  const spanMs = range.to.getTime() - range.from.getTime();
  if (spanMs > maxDays * DAY_MS) throw new ReportRangeTooLongError(Math.ceil(spanMs / DAY_MS), maxDays, variable);
  return range;
}
