/** Prisma's P2002 (unique constraint), recognised by shape; `fields` narrows it to one index. */
export function isUniqueViolation(error: unknown, fields?: string[]): boolean {
  const e = error as { name?: string; code?: string; meta?: { target?: unknown } };
  if (e?.name !== 'PrismaClientKnownRequestError' || e.code !== 'P2002') return false;
  if (!fields) return true;
  const target = JSON.stringify(e.meta ?? {});
  return fields.every((f) => target.includes(f));
}

/** A PostgreSQL error raised inside a Prisma query (exclusion constraints, checks, ...). */
export function postgresErrorCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let e: unknown = error;
  while (e && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    const o = e as {
      code?: unknown;
      cause?: unknown;
      meta?: { driverAdapterError?: { cause?: { originalCode?: string } } };
    };
    const original = o.meta?.driverAdapterError?.cause?.originalCode;
    if (typeof original === 'string') return original;
    if (typeof o.code === 'string' && /^[0-9A-Z]{5}$/.test(o.code) && !o.code.startsWith('P')) return o.code;
    e = o.cause;
  }
  return undefined;
}
