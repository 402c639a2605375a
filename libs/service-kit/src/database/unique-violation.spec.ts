import { isUniqueViolation, violatedConstraint } from './unique-violation.js';

describe('isUniqueViolation', () => {
  it("is a raw statement's SQLSTATE 23505 too, which a field list (a P2002's index) does not narrow to", () => {
    const raw = Object.assign(new Error('duplicate key value'), { code: '23505' });
    expect(isUniqueViolation(raw)).toBe(true);
    expect(isUniqueViolation(new Error('wrapped', { cause: raw }))).toBe(true);
    expect(isUniqueViolation(raw, ['email'])).toBe(false);
    expect(isUniqueViolation(Object.assign(new Error('overlap'), { code: '23P01' }))).toBe(false);
  });
});

describe('violatedConstraint', () => {
  it("reads the pg driver's constraint name", () => {
    const error = Object.assign(new Error('duplicate key value'), {
      code: '23505',
      constraint: 'processed_events_pkey',
    });
    expect(violatedConstraint(error)).toBe('processed_events_pkey');
  });

  it("reads what Prisma's driver adapter keeps of it, also as the cause of another error", () => {
    const prismaError = {
      code: 'P2010',
      meta: { driverAdapterError: { cause: { originalCode: '23505', constraint: { index: 'payments_pkey' } } } },
    };
    expect(violatedConstraint(prismaError)).toBe('payments_pkey');
    expect(violatedConstraint(new Error('wrapped', { cause: prismaError }))).toBe('payments_pkey');
  });

  it('is undefined when the error names no constraint (PGlite keeps only the columns)', () => {
    const pgliteError = {
      code: 'P2002',
      meta: { driverAdapterError: { cause: { constraint: { fields: ['event_id'] } } } },
    };
    expect(violatedConstraint(pgliteError)).toBeUndefined();
    expect(violatedConstraint(undefined)).toBeUndefined();
  });
});
