import { ValidationFailedError } from '../errors/domain-error.js';

/**
 * Keyset pagination: the cursor is the sort key of the last item, base64url-encoded JSON.
 * Lists are ordered by (createdAt, id), which is stable under concurrent inserts.
 */
export interface KeysetCursor {
  createdAt: string;
  id: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_INSTANT = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function encodeCursor(cursor: KeysetCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(raw: string | undefined): KeysetCursor | undefined {
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as KeysetCursor;
    // only what encodeCursor writes: a UUID and an ISO instant (anything else would reach SQL)
    if (
      typeof parsed.id === 'string' &&
      UUID.test(parsed.id) &&
      typeof parsed.createdAt === 'string' &&
      ISO_INSTANT.test(parsed.createdAt)
    ) {
      return parsed;
    }
  } catch {
    // fall through to the validation error
  }
  throw ValidationFailedError.forField('cursor', 'cursor is not a valid page cursor');
}

/** Takes `limit + 1` rows, returns `limit` of them and a cursor when there are more. */
export function toPage<T extends { id: string; createdAt: Date }, R>(
  rows: T[],
  limit: number,
  map: (row: T) => R,
): Page<R> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return {
    items: items.map(map),
    nextCursor: more && last ? encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id }) : null,
  };
}

/** Prisma `where` fragment for rows after the cursor in (createdAt desc, id desc) order. */
export function afterCursor(cursor: KeysetCursor | undefined) {
  if (!cursor) return {};
  const createdAt = new Date(cursor.createdAt);
  return {
    OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: cursor.id } }],
  };
}
