import { instantRange, InstantRange } from '@cowork/service-kit';
import { ReportRangeTooLongError } from './reports.errors.js';

/** Half-open [from, to) of UTC instants. */
export type ReportRange = InstantRange;

/**
 * The range of a report request (the DTO has checked both are instants with an offset and that
 * to is after from), within the endpoint's limit of days: `variable` names the setting.
 */
export function reportRange(from: string, to: string, maxDays: number, variable: string): ReportRange {
  return instantRange(from, to, { maxDays, tooLong: (days) => new ReportRangeTooLongError(days, maxDays, variable) });
}
