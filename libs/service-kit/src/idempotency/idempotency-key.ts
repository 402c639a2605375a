import { createHash } from 'node:crypto';
import { DomainError } from '../errors/domain-error.js';

/** 1 to 255 printable ASCII characters without spaces (the IETF draft leaves the format to us). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export class IdempotencyKeyRequiredError extends DomainError {
  constructor() {
    super(
      'IDEMPOTENCY_KEY_REQUIRED',
      400,
      'Send an Idempotency-Key header of 1 to 255 printable ASCII characters (no spaces)',
    );
  }
}

/** The Idempotency-Key header, or 400 IDEMPOTENCY_KEY_REQUIRED when it is missing or malformed. */
export function requireIdempotencyKey(header: string | undefined): string {
  if (!header || !IDEMPOTENCY_KEY_PATTERN.test(header)) throw new IdempotencyKeyRequiredError();
  return header;
}

/**
 * sha256 (hex) of the request as the service understood it (after validation and defaults),
 * with object keys sorted, so the same request spelled differently has the same fingerprint:
 * what tells a replay from a reused key.
 */
export function requestFingerprint(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
