import { DomainError } from '@cowork/service-kit';
import type { PaymentServiceConfig } from '../config.js';
import type { IdempotencyRecord } from '../generated/prisma/client.js';
import { IdempotencyStatus } from '../generated/prisma/enums.js';
import type {
  ClaimHandle,
  IdempotencyRepository,
  NewIdempotencyRecord,
  StoredResponse,
} from './idempotency.repository.js';
import { Claim, IdempotencyService, replayResponse } from './idempotency.service.js';
import { canonicalJson, requestFingerprint as fingerprint } from '@cowork/service-kit';

/** The repository's semantics in memory: unique (scope, key), lock-token-guarded changes. */
class InMemoryRecords {
  rows = new Map<string, IdempotencyRecord>();
  private id = (scope: string, key: string) => `${scope}\n${key}`;

  async insert(record: NewIdempotencyRecord): Promise<boolean> {
    if (this.rows.has(this.id(record.scope, record.key))) return false;
    this.rows.set(this.id(record.scope, record.key), {
      ...record,
      request: record.request as IdempotencyRecord['request'],
      status: IdempotencyStatus.IN_PROGRESS,
      responseStatus: null,
      responseBody: null,
      updatedAt: record.createdAt,
    });
    return true;
  }
  async find(scope: string, key: string) {
    return this.rows.get(this.id(scope, key)) ?? null;
  }
  private byId(id: string) {
    return [...this.rows.entries()].find(([, r]) => r.id === id);
  }
  async deleteExpired(id: string, now: Date) {
    const hit = this.byId(id);
    if (hit && hit[1].expiresAt <= now) this.rows.delete(hit[0]);
  }
  async takeOver(id: string, previous: string, lockToken: string, lockedUntil: Date) {
    const hit = this.byId(id);
    if (!hit || hit[1].lockToken !== previous || hit[1].status !== IdempotencyStatus.IN_PROGRESS) return false;
    Object.assign(hit[1], { lockToken, lockedUntil });
    return true;
  }
  async complete(claim: ClaimHandle, response: StoredResponse) {
    const hit = this.byId(claim.recordId);
    if (!hit || hit[1].lockToken !== claim.lockToken) return false;
    Object.assign(hit[1], {
      status: IdempotencyStatus.COMPLETED,
      responseStatus: response.status,
      responseBody: response.body,
    });
    return true;
  }
  async delete(claim: ClaimHandle) {
    const hit = this.byId(claim.recordId);
    if (hit && hit[1].lockToken === claim.lockToken) this.rows.delete(hit[0]);
  }
  async unlock(claim: ClaimHandle, now: Date) {
    const hit = this.byId(claim.recordId);
    if (hit && hit[1].lockToken === claim.lockToken) hit[1].lockedUntil = now;
  }
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return 'no error';
}

describe('IdempotencyService', () => {
  let records: InMemoryRecords;
  let service: IdempotencyService;
  let clock: number;
  const request = (body: unknown = { amountCents: 100 }, ...key: [string | undefined] | []) => ({
    scope: 'booking-service POST /internal/charges',
    key: key.length ? key[0] : 'key-1',
    request: body,
  });
  const claimed = async (body?: unknown) => {
    const result = await service.claim(request(body));
    if (result.kind !== 'claimed') throw new Error('expected a claim');
    return result as Claim;
  };

  beforeEach(() => {
    records = new InMemoryRecords();
    const config = { IDEMPOTENCY_KEY_TTL_HOURS: 24, IDEMPOTENCY_LOCK_SECONDS: 30 } as PaymentServiceConfig;
    service = new IdempotencyService(records as unknown as IdempotencyRepository, config);
    clock = Date.parse('2026-11-25T10:00:00Z');
    service.now = () => new Date(clock);
  });

  it.each([undefined, '', 'has space', 'x'.repeat(256), 'naïve'])(
    'refuses the key %p as IDEMPOTENCY_KEY_REQUIRED',
    async (key) => {
      expect(await codeOf(service.claim(request(undefined, key)))).toBe('IDEMPOTENCY_KEY_REQUIRED');
      expect(records.rows.size).toBe(0);
    },
  );

  it('claims a new key, holding it for the lock time and keeping it for the TTL', async () => {
    const claim = await claimed();
    expect(claim.resumed).toBe(false);
    const row = [...records.rows.values()][0]!;
    expect(row.lockedUntil.getTime() - clock).toBe(30_000);
    expect(row.expiresAt.getTime() - clock).toBe(24 * 3_600_000);
    expect(row.requestHash).toBe(fingerprint({ amountCents: 100 }));
  });

  it('replays the stored response of a completed request', async () => {
    const claim = await claimed();
    await service.complete(claim, { status: 201, body: { id: 'p1' } });
    expect(await service.claim(request())).toEqual({ kind: 'replay', response: { status: 201, body: { id: 'p1' } } });
  });

  it('answers a different body under the key with IDEMPOTENCY_KEY_REUSED, completed or not', async () => {
    await claimed();
    expect(await codeOf(service.claim(request({ amountCents: 101 })))).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('answers a twin in flight with IDEMPOTENT_REQUEST_IN_FLIGHT while the lock holds', async () => {
    await claimed();
    clock += 29_000;
    expect(await codeOf(service.claim(request()))).toBe('IDEMPOTENT_REQUEST_IN_FLIGHT');
  });

  it('lets a retry take over a claim whose holder died (lock expired); the dead holder can no longer complete', async () => {
    const dead = await claimed();
    clock += 31_000;
    const heir = await claimed();
    expect(heir).toMatchObject({ resumed: true, recordId: dead.recordId });
    expect(await service.complete(dead, { status: 201, body: {} })).toBe(false);
    expect(await service.complete(heir, { status: 201, body: { ok: true } })).toBe(true);
  });

  it('keeps the request and its booking with the claim', async () => {
    await service.claim({ ...request({ bookingId: 'b-1', amountCents: 100 }), bookingId: 'b-1' });
    expect([...records.rows.values()][0]).toMatchObject({
      request: { bookingId: 'b-1', amountCents: 100 },
      bookingId: 'b-1',
    });
  });

  it('takeOverStale: takes over a claim whose lock ran out, once; never one whose lock holds', async () => {
    const dead = await claimed();
    const row = () => ({ ...[...records.rows.values()][0]! });
    expect(await service.takeOverStale(row())).toBeNull(); // lock still valid: left alone
    clock += 31_000;
    const stale = row();
    const [first, second] = await Promise.all([service.takeOverStale(stale), service.takeOverStale(stale)]);
    const winners = [first, second].filter((c) => c !== null);
    expect(winners).toHaveLength(1);
    expect(winners[0]).toMatchObject({ recordId: dead.recordId, resumed: true, key: 'key-1' });
    expect(row().lockedUntil.getTime() - clock).toBe(30_000);
    // a retry now meets the new holder's lock, and the dead holder can no longer complete
    expect(await codeOf(service.claim(request()))).toBe('IDEMPOTENT_REQUEST_IN_FLIGHT');
    expect(await service.complete(dead, { status: 201, body: {} })).toBe(false);
    expect(await service.complete(winners[0]!, { status: 201, body: { ok: true } })).toBe(true);
    expect(await service.takeOverStale(row())).toBeNull(); // completed: nothing to take over
  });

  it('frees the key on release (any body may use it then) and lets a retry in at once on unlock', async () => {
    const first = await claimed();
    await service.release(first);
    const second = await claimed({ other: 'body' });
    expect(second.resumed).toBe(false);
    await service.unlock(second);
    expect((await claimed({ other: 'body' })).resumed).toBe(true);
  });

  it('treats an expired record as gone: the key is new again', async () => {
    const claim = await claimed();
    await service.complete(claim, { status: 201, body: {} });
    clock += 24 * 3_600_000 + 1;
    const again = await claimed({ amountCents: 999 });
    expect(again.resumed).toBe(false);
  });

  it('fingerprints the normalised request: key order does not matter, values do', () => {
    expect(fingerprint({ a: 1, b: { c: 2, d: [1, 2] } })).toBe(fingerprint({ b: { d: [1, 2], c: 2 }, a: 1 }));
    expect(fingerprint({ a: 1 })).not.toBe(fingerprint({ a: '1' }));
    expect(canonicalJson({ b: undefined, a: null })).toBe('{"a":null}');
  });

  it('replays a stored error as the same problem', () => {
    const stored = { code: 'PAYMENT_DECLINED', detail: 'no', extensions: { declineCode: 'card_declined' } };
    try {
      replayResponse({ status: 402, body: stored });
      throw new Error('expected a throw');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({
        code: 'PAYMENT_DECLINED',
        status: 402,
        extensions: { declineCode: 'card_declined' },
      });
    }
  });
});
