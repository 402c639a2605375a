/**
 * A unique violation: Prisma's P2002, recognised by shape, or SQLSTATE 23505 from a raw statement
 * (Prisma's P2010, or the pg driver under HotPathSql). `fields` narrows a P2002 to one index.
 */
export function isUniqueViolation(error: unknown, fields?: string[]): boolean {
  const e = error as { name?: string; code?: string; meta?: { target?: unknown } };
  if (e?.name === 'PrismaClientKnownRequestError' && e.code === 'P2002') {
    if (!fields) return true;
    const target = JSON.stringify(e.meta ?? {});
    return fields.every((f) => target.includes(f));
  }
  return !fields && postgresErrorCode(error) === '23505';
}

/** The error and the errors it wraps (`cause`), each once. */
function* causeChain(error: unknown): Generator<object> {
  const seen = new Set<unknown>();
  for (let e = error; e && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    yield e;
  }
}

/** A PostgreSQL error raised inside a Prisma query (exclusion constraints, checks, ...). */
export function postgresErrorCode(error: unknown): string | undefined {
  for (const e of causeChain(error)) {
    const o = e as { code?: unknown; meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } };
    const original = o.meta?.driverAdapterError?.cause?.originalCode;
    if (typeof original === 'string') return original;
    if (typeof o.code === 'string' && /^[0-9A-Z]{5}$/.test(o.code) && !o.code.startsWith('P')) return o.code;
  }
  return undefined;
}

/**
 * The constraint a PostgreSQL error names: the pg driver's `constraint`, or what Prisma's driver
 * adapter keeps of it (P2010 and P2002: meta.driverAdapterError.cause.constraint.index), looked for
 * along the `cause` chain as postgresErrorCode looks for the code. PGlite's adapter keeps only the
 * key's columns: undefined there.
 */
export function violatedConstraint(error: unknown): string | undefined {
  for (const e of causeChain(error)) {
    const o = e as {
      constraint?: unknown;
      meta?: { driverAdapterError?: { cause?: { constraint?: { index?: unknown } } } };
    };
    if (typeof o.constraint === 'string') return o.constraint;
    const index = o.meta?.driverAdapterError?.cause?.constraint?.index;
    if (typeof index === 'string') return index;
  }
  return undefined;
}

/** Prisma: pool timeout, transaction could not start or timed out, write conflict or deadlock. */
const TRANSIENT_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2034']);
/** Node's socket errors, as the pg driver passes them on. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);
/**
 * PostgreSQL: serialization failure, deadlock, too many connections, admin shutdown, connection
 * failures, a statement cancelled by timeout.
 */
const TRANSIENT_POSTGRES_CODES = new Set([
  '40001',
  '40P01',
  '53300',
  '57P01',
  '57P02',
  '57P03',
  '57014',
  '08000',
  '08001',
  '08003',
  '08006',
]);

/**
 * A database failure that says nothing about the request and may well not happen again: the
 * caller gets 503 with Retry-After (never a 500), and nothing was committed.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && TRANSIENT_PRISMA_CODES.has(code)) return true;
  // the pg driver itself (HotPathSql): the server unreachable, or the connection lost mid-statement
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  if (error instanceof Error && /^Connection terminated|timeout exceeded when trying to connect/.test(error.message)) {
    return true;
  }
  const pg = postgresErrorCode(error);
  return pg !== undefined && TRANSIENT_POSTGRES_CODES.has(pg);
}

/** PostgreSQL's deadlock and serialization failures: the transaction was rolled back and may simply be run again. */
export function isRetryableTransactionError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (code === 'P2034') return true;
  const pg = postgresErrorCode(error);
  return pg === '40P01' || pg === '40001';
}

/**
 * Runs a whole transaction again when PostgreSQL rolled it back as a deadlock victim or a
 * serialization failure (up to `attempts` times, with a short jittered pause): two bookings
 * racing for one slot can deadlock on the exclusion constraint's checks, and the rerun then
 * sees the committed winner. Only for transactions that are safe to repeat from the start.
 * `retryable` widens what is run again (e.g. a twin's unique violation the rerun will see).
 */
export async function retryTransaction<T>(
  run: () => Promise<T>,
  attempts = 3,
  retryable: (error: unknown) => boolean = isRetryableTransactionError,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || !retryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}
