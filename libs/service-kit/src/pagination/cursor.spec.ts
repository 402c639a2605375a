import { ValidationFailedError } from '../errors/domain-error.js';
import { afterCursor, decodeCursor, encodeCursor, toPage } from './cursor.js';

const row = (n: number) => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)),
});

function expectCursorRejected(raw: string): void {
  let thrown: unknown;
  try {
    decodeCursor(raw);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ValidationFailedError);
  const error = thrown as ValidationFailedError;
  expect(error.status).toBe(400);
  expect(error.code).toBe('VALIDATION_FAILED');
  expect(error.violations).toEqual([{ field: 'cursor', messages: [expect.any(String)] }]);
}

describe('keyset pagination cursors', () => {
  it('decodes what it encodes', () => {
    const cursor = { createdAt: '2026-01-05T10:00:00.000Z', id: row(7).id };
    const raw = encodeCursor(cursor);
    expect(raw).toMatch(/^[A-Za-z0-9_-]+$/); // base64url: safe in a query string as it is
    expect(decodeCursor(raw)).toEqual(cursor);
  });

  it('treats a missing or empty cursor as the first page', () => {
    expect(decodeCursor(undefined)).toBeUndefined();
    expect(decodeCursor('')).toBeUndefined();
    expect(afterCursor(undefined)).toEqual({});
  });

  it.each([
    ['not base64 JSON', '!!!not-a-cursor!!!'],
    ['JSON that is not an object', Buffer.from('42').toString('base64url')],
    ['JSON null', Buffer.from('null').toString('base64url')],
    ['an object without an id', encodeCursor({ createdAt: '2026-01-05T10:00:00Z' } as never)],
    ['an object with an unparseable createdAt', encodeCursor({ createdAt: 'yesterday', id: 'x' })],
    ['a non-UUID id', encodeCursor({ createdAt: '2026-01-05T10:00:00.000Z', id: "1' OR '1'='1" })],
    ['a year PostgreSQL cannot store', encodeCursor({ createdAt: '-271821-04-20T00:00:00.000Z', id: row(1).id })],
    ['a numeric instant', encodeCursor({ createdAt: 0, id: row(1).id } as never)],
  ])('rejects %s as a VALIDATION_FAILED on the cursor field', (_label, raw) => {
    expectCursorRejected(raw);
  });

  it('returns limit items and a cursor pointing at the last of them when there are more rows', () => {
    const rows = [row(5), row(4), row(3), row(2)];
    const page = toPage(rows, 3, (r) => r.id);
    expect(page.items).toEqual([row(5).id, row(4).id, row(3).id]);
    expect(page.nextCursor).not.toBeNull();
    expect(decodeCursor(page.nextCursor!)).toEqual({ createdAt: row(3).createdAt.toISOString(), id: row(3).id });
  });

  it('returns no cursor on the last page', () => {
    expect(toPage([row(2), row(1)], 2, (r) => r.id)).toEqual({ items: [row(2).id, row(1).id], nextCursor: null });
    expect(toPage([], 5, (r) => r)).toEqual({ items: [], nextCursor: null });
  });

  it('continues strictly after the cursor in (createdAt desc, id desc) order', () => {
    const cursor = { createdAt: row(3).createdAt.toISOString(), id: row(3).id };
    expect(afterCursor(cursor)).toEqual({
      OR: [{ createdAt: { lt: row(3).createdAt } }, { createdAt: row(3).createdAt, id: { lt: row(3).id } }],
    });
  });
});
