import {
  IdempotencyKeyReusedError,
  IdempotentRequestInFlightError,
  requestFingerprint,
  requireIdempotencyKey,
  uuidv7,
} from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { PaymentServiceConfig } from '../config.js';
import type { IdempotencyRecord } from '../generated/prisma/client.js';
import { IdempotencyStatus } from '../generated/prisma/enums.js';
import { ReplayedProblemError } from './idempotency.errors.js';
import { ClaimHandle, IdempotencyRepository, StoredResponse } from './idempotency.repository.js';

export interface IdempotentRequest {
  /** who and where: "<client id> <METHOD> <route>" */
  scope: string;
  key: string | undefined;
  /** the normalised request (path parameters included), fingerprinted with sha256 and kept with the claim */
  request: unknown;
  /** the booking the request is about, if any (to count a booking's requests in flight) */
  bookingId?: string;
}

export interface Claim extends ClaimHandle {
  kind: 'claimed';
  scope: string;
  key: string;
  requestHash: string;
  /** true when an earlier holder of this key died or gave up mid-way: its partial work may exist */
  resumed: boolean;
}

export type ClaimResult = Claim | { kind: 'replay'; response: StoredResponse };

/** How an error answer is stored, so a replay can give it again. */
export interface StoredProblem {
  code: string;
  detail: string;
  extensions: Record<string, unknown>;
}

/**
 * Idempotency-Key handling shared by every mutating endpoint (IETF draft / Stripe semantics):
 * claim the key before doing anything, store the response with it when done. The same key and
 * request replays the stored response; another request under the key is 422; a twin still in
 * flight is 409; a claim whose holder died (lock expired) is taken over by the next retry.
 */
@Injectable()
export class IdempotencyService {
  /** the clock; tests replace it */
  now: () => Date = () => new Date();
  private readonly ttlMs: number;
  private readonly lockMs: number;

  constructor(
    private readonly records: IdempotencyRepository,
    config: PaymentServiceConfig,
  ) {
    this.ttlMs = config.IDEMPOTENCY_KEY_TTL_HOURS * 3_600_000;
    this.lockMs = config.IDEMPOTENCY_LOCK_SECONDS * 1000;
  }

  async claim(input: IdempotentRequest): Promise<ClaimResult> {
    const key = requireIdempotencyKey(input.key);
    const requestHash = requestFingerprint(input.request);
    for (let attempt = 0; attempt < 5; attempt++) {
      const now = this.now();
      const lockToken = randomUUID();
      const lockedUntil = new Date(now.getTime() + this.lockMs);
      const recordId = uuidv7();
      const inserted = await this.records.insert({
        id: recordId,
        scope: input.scope,
        key,
        requestHash,
        request: input.request,
        bookingId: input.bookingId ?? null,
        lockToken,
        lockedUntil,
        expiresAt: new Date(now.getTime() + this.ttlMs),
        createdAt: now,
      });
      const claimed = { kind: 'claimed' as const, scope: input.scope, key, requestHash, lockToken };
      if (inserted) return { ...claimed, recordId, resumed: false };

      const existing = await this.records.find(input.scope, key);
      if (!existing) continue; // released between our insert and read: try again
      if (existing.expiresAt.getTime() <= now.getTime()) {
        await this.records.deleteExpired(existing.id, now);
        continue;
      }
      if (existing.requestHash !== requestHash) throw new IdempotencyKeyReusedError();
      if (existing.status === IdempotencyStatus.COMPLETED) {
        return { kind: 'replay', response: { status: existing.responseStatus!, body: existing.responseBody } };
      }
      if (existing.lockedUntil.getTime() > now.getTime()) throw new IdempotentRequestInFlightError();
      if (await this.records.takeOver(existing.id, existing.lockToken, lockToken, lockedUntil)) {
        return { ...claimed, recordId: existing.id, resumed: true };
      }
    }
    throw new IdempotentRequestInFlightError();
  }

  /**
   * Claims of `endpoint` whose holder's lock ran out (presumed dead), for a job that finishes
   * their work without the caller. Each must still be taken over with `takeOverStale`.
   */
  findStale(endpoint: string, limit: number): Promise<IdempotencyRecord[]> {
    return this.records.findStale(endpoint, this.now(), limit);
  }

  /**
   * Takes over a claim whose lock ran out, exactly as a retry does (conditional on the lock token
   * the record was read with): of several contenders (retries, recovery jobs on other replicas)
   * one wins; the others, and any attempt on a claim whose lock is still valid, get null.
   */
  async takeOverStale(record: IdempotencyRecord): Promise<Claim | null> {
    const now = this.now();
    if (record.status !== IdempotencyStatus.IN_PROGRESS || record.lockedUntil.getTime() > now.getTime()) return null;
    const lockToken = randomUUID();
    const lockedUntil = new Date(now.getTime() + this.lockMs);
    if (!(await this.records.takeOver(record.id, record.lockToken, lockToken, lockedUntil))) return null;
    return {
      kind: 'claimed',
      scope: record.scope,
      key: record.key,
      requestHash: record.requestHash,
      recordId: record.id,
      lockToken,
      resumed: true,
    };
  }

  /** How many claims of `endpoint` about this booking are IN_PROGRESS (whatever their lock). */
  countInProgress(endpoint: string, bookingId: string): Promise<number> {
    return this.records.countInProgress(endpoint, bookingId);
  }

  /** Stores the response with the key; false when the claim was lost (taken over meanwhile). */
  complete(claim: Claim, response: StoredResponse): Promise<boolean> {
    return this.records.complete(claim, response);
  }

  /** Nothing was done: the key is free for a retry (with any body). */
  release(claim: Claim): Promise<void> {
    return this.records.delete(claim);
  }

  /** Work was started and must be finished by a retry with the same key and body, which may come at once. */
  unlock(claim: Claim): Promise<void> {
    return this.records.unlock(claim, this.now());
  }
}

/** An error answer in the form it is stored. */
export function storedProblem(error: {
  code: string;
  message: string;
  extensions: Record<string, unknown>;
}): StoredProblem {
  return { code: error.code, detail: error.message, extensions: error.extensions };
}

/**
 * The stored response of a replay: a success body as it was, an error thrown again as the same
 * problem (same status, code, detail and extensions).
 */
export function replayResponse<T>(response: StoredResponse): T {
  if (response.status >= 400) {
    const problem = response.body as StoredProblem;
    throw new ReplayedProblemError(problem.code, response.status, problem.detail, problem.extensions ?? {});
  }
  return response.body as T;
}
