/**
 * A Prisma `contains` filter that matches `term` literally and case-insensitively: Prisma does not
 * escape LIKE wildcards, so without this `_` or `%` would match everything.
 */
export function containsText(term: string): { contains: string; mode: 'insensitive' } {
  return { contains: term.replace(/[\\%_]/g, (c) => `\\${c}`), mode: 'insensitive' };
}
