import { FieldViolation, flattenViolations } from '@cowork/service-kit';
import { IsoWeekday, OpeningRange, openingHoursViolations } from '@cowork/workspace-rules';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { Prisma } from '../generated/prisma/client.js';
import { OpeningRangeDto } from './dto/opening-range.dto.js';

/** The rules of a whole workspace that span fields, as the service checks them after merging. */
export interface WorkspaceRulesDraft {
  /** as the client sent it: entries not yet known to be well-formed */
  openingHours: readonly unknown[] | null;
  minBookingMinutes: number;
  maxBookingMinutes: number;
}

/** Violations grouped by field, each message once, in the order first seen. */
class Violations {
  private readonly byField = new Map<string, string[]>();

  add(field: string, message: string): void {
    const messages = this.byField.get(field) ?? [];
    if (!messages.includes(message)) messages.push(message);
    this.byField.set(field, messages);
  }

  toArray(): FieldViolation[] {
    return [...this.byField].map(([field, messages]) => ({ field, messages }));
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Everything wrong with a list of opening ranges, each violation naming its entry the way
 * @cowork/workspace-rules does (`openingHours[1].close`, `openingHours[2]` for an overlap):
 * each entry is checked against OpeningRangeDto (an object, no unknown properties, types),
 * then the list with openingHoursViolations (times, close after open, overlaps on one day).
 */
export function openingHoursFieldViolations(hours: readonly unknown[], field = 'openingHours'): FieldViolation[] {
  const violations = new Violations();
  const notObjects = new Set<number>();
  hours.forEach((entry, index) => {
    const at = `${field}[${index}]`;
    if (!isPlainObject(entry)) {
      notObjects.add(index);
      violations.add(at, `${at} must be an object {day, open, close}`);
      return;
    }
    const errors = validateSync(plainToInstance(OpeningRangeDto, entry), {
      whitelist: true,
      forbidNonWhitelisted: true,
    });
    for (const v of flattenViolations(errors, at)) for (const m of v.messages) violations.add(v.field, m);
  });
  // entries that are not objects get a placeholder so the others keep their index in the names
  const ranges = hours.map((entry, index) =>
    notObjects.has(index) ? { day: 0, open: '', close: '' } : (entry as unknown as OpeningRange),
  );
  for (const v of openingHoursViolations(ranges as OpeningRange[], field)) {
    const index = Number(/^[^[]*\[(\d+)\]/.exec(v.field)?.[1]);
    if (!notObjects.has(index)) violations.add(v.field, v.message);
  }
  return violations.toArray();
}

/** The checks that need more than one field; empty when the workspace is consistent. */
export function workspaceRuleViolations(draft: WorkspaceRulesDraft): FieldViolation[] {
  const violations = draft.openingHours ? openingHoursFieldViolations(draft.openingHours) : [];
  if (draft.maxBookingMinutes < draft.minBookingMinutes) {
    violations.push({
      field: 'maxBookingMinutes',
      messages: [
        `maxBookingMinutes (${draft.maxBookingMinutes}) must be at least minBookingMinutes (${draft.minBookingMinutes})`,
      ],
    });
  }
  return violations;
}

/** Valid opening ranges as stored: only {day, open, close}, sorted by day, then opening time. */
export function normalizeOpeningHours(hours: readonly unknown[]): OpeningRange[] {
  return (hours as OpeningRange[])
    .map((r) => ({ day: r.day, open: r.open, close: r.close }))
    .sort((a, b) => a.day - b.day || a.open.localeCompare(b.open));
}

/** The jsonb column read back (null: open at all times), each entry mapped field by field. */
export function storedOpeningHours(value: Prisma.JsonValue | null): OpeningRange[] | null {
  if (!Array.isArray(value)) return null;
  return value.flatMap((r: unknown) =>
    isPlainObject(r) ? [{ day: Number(r.day) as IsoWeekday, open: String(r.open), close: String(r.close) }] : [],
  );
}
