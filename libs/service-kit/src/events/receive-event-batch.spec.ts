import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DependencyUnavailableError } from '../errors/domain-error.js';
import { EventEnvelopeDto, EventReceiptDto, UnsupportedEventVersionError } from './event-envelope.dto.js';
import { receiveEventBatch } from './receive-event-batch.js';

function envelope(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: randomUUID(),
    type: 'booking.confirmed',
    version: 1,
    occurredAt: '2026-11-25T10:15:00.000Z',
    source: 'booking-service',
    aggregateId: randomUUID(),
    sequence: 7,
    payload: { booking: { id: 'b' } },
    ...overrides,
  };
}

/** A consumer that applies each event it is given and remembers the order; `fail` decides otherwise. */
function consumer(fail: (e: EventEnvelopeDto) => Error | undefined = () => undefined) {
  const seen: string[] = [];
  const receive = async (e: EventEnvelopeDto): Promise<EventReceiptDto> => {
    seen.push(e.id);
    const error = fail(e);
    if (error) throw error;
    return { eventId: e.id, outcome: e.type === 'booking.created' ? 'ignored' : 'applied' };
  };
  return { seen, receive };
}

describe('receiveEventBatch', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));

  it('hands every event to the consumer as a validated envelope, in order, and answers its receipts in order', async () => {
    const events = [envelope(), envelope({ type: 'booking.created' }), envelope()];
    const { seen, receive } = consumer();

    const { receipts } = await receiveEventBatch(events, async (e) => {
      expect(e).toBeInstanceOf(EventEnvelopeDto);
      return receive(e);
    });

    expect(seen).toEqual(events.map((e) => e.id));
    expect(receipts).toEqual([
      { eventId: events[0]!.id, outcome: 'applied' },
      { eventId: events[1]!.id, outcome: 'ignored' },
      { eventId: events[2]!.id, outcome: 'applied' },
    ]);
  });

  it('rejects a malformed envelope in its receipt, naming the field, without handing it to the consumer', async () => {
    const bad = envelope({ version: 'one', priority: 'high' });
    const events = [envelope(), bad, 42, envelope()];
    const { seen, receive } = consumer();

    const { receipts } = await receiveEventBatch(events, receive);

    expect(seen).toEqual([events[0], events[3]].map((e) => (e as { id: string }).id));
    expect(receipts.map((r) => r.outcome)).toEqual(['applied', 'rejected', 'rejected', 'applied']);
    expect(receipts[1]).toEqual({
      eventId: bad.id,
      outcome: 'rejected',
      status: 400,
      code: 'VALIDATION_FAILED',
      detail: expect.stringMatching(/version.*priority|priority.*version/s),
    });
    expect(receipts[2]).toMatchObject({ eventId: null, outcome: 'rejected', status: 400, code: 'VALIDATION_FAILED' });
  });

  it("rejects what the consumer refuses (a domain error) in that event's receipt and goes on", async () => {
    const events = [envelope(), envelope({ version: 2 }), envelope()];
    const { seen, receive } = consumer((e) =>
      e.version === 2 ? new UnsupportedEventVersionError(e.type, e.version, 1) : undefined,
    );

    const { receipts } = await receiveEventBatch(events, receive);

    expect(seen).toHaveLength(3);
    expect(receipts).toEqual([
      { eventId: events[0]!.id, outcome: 'applied' },
      {
        eventId: events[1]!.id,
        outcome: 'rejected',
        status: 422,
        code: 'UNSUPPORTED_EVENT_VERSION',
        detail: 'booking.confirmed version 2 is not supported (this consumer reads version 1)',
      },
      { eventId: events[2]!.id, outcome: 'applied' },
    ]);
  });

  it('stops at an unexpected error and answers the receipts before it; the rest is never looked at', async () => {
    const events = [envelope(), envelope(), envelope(), envelope()];
    const { seen, receive } = consumer((e) => (e.id === events[2]!.id ? new Error('connection reset') : undefined));

    const { receipts } = await receiveEventBatch(events, receive);

    expect(receipts.map((r) => r.eventId)).toEqual([events[0]!.id, events[1]!.id]);
    expect(seen).toEqual(events.slice(0, 3).map((e) => e.id));
  });

  it('treats a domain error of 500 or more (a dependency down) as unexpected, not as a refusal', async () => {
    const events = [envelope(), envelope()];
    const { receive } = consumer((e) => (e.id === events[1]!.id ? new DependencyUnavailableError('db') : undefined));

    const { receipts } = await receiveEventBatch(events, receive);

    expect(receipts).toEqual([{ eventId: events[0]!.id, outcome: 'applied' }]);
  });

  it('lets an unexpected error on the first event propagate, as the single endpoint would', async () => {
    const { receive } = consumer(() => new Error('database is down'));
    await expect(receiveEventBatch([envelope(), envelope()], receive)).rejects.toThrow('database is down');
  });

  it('hands the payload over as sent, and rejects one that is not an object naming it', async () => {
    const payload = { booking: { id: 'b', nested: { deep: [1, 2] } } };
    const good = envelope({ payload });
    const bad = envelope({ payload: [1, 2] });
    const handed: unknown[] = [];

    const { receipts } = await receiveEventBatch([good, bad], async (e) => {
      handed.push(e.payload);
      return { eventId: e.id, outcome: 'applied' };
    });

    expect(handed).toEqual([payload]);
    expect(handed[0]).toBe(payload);
    expect(receipts[1]).toMatchObject({ eventId: bad.id, outcome: 'rejected', status: 400, code: 'VALIDATION_FAILED' });
    expect(receipts[1]!.detail).toContain('payload');
  });

  describe('with a set-based batch receiver (check, then applyAll)', () => {
    it('hands every valid envelope over in one call, in order, and answers its receipts beside the malformed ones', async () => {
      const events = [envelope(), { id: 'x', version: 'one' }, envelope()];
      const calls: string[][] = [];
      const { seen, receive } = consumer();

      const { receipts } = await receiveEventBatch(events, receive, {
        check: (e) => e.id,
        applyAll: async (all) => {
          calls.push(all.map(({ checked }) => checked));
          return all.map(() => 'applied' as const);
        },
      });

      expect(calls).toEqual([[events[0]!.id, events[2]!.id]]);
      expect(seen).toEqual([]);
      expect(receipts.map((r) => [r.eventId, r.outcome])).toEqual([
        [events[0]!.id, 'applied'],
        ['x', 'rejected'],
        [events[2]!.id, 'applied'],
      ]);
    });

    it('answers an envelope that check refuses as its rejected receipt and applies the others together', async () => {
      const refused = envelope();
      const events = [envelope(), refused, envelope()];
      const applied: string[][] = [];
      const { receive } = consumer();

      const { receipts } = await receiveEventBatch(events, receive, {
        check: (e) => {
          if (e.id === refused.id) throw new UnsupportedEventVersionError(e.type, 2, 1);
          return e.id;
        },
        applyAll: async (all) => {
          applied.push(all.map(({ checked }) => checked));
          return all.map(() => 'applied' as const);
        },
      });

      expect(applied).toEqual([[events[0]!.id, events[2]!.id]]);
      expect(receipts.map((r) => [r.eventId, r.outcome, r.status])).toEqual([
        [events[0]!.id, 'applied', undefined],
        [refused.id, 'rejected', 422],
        [events[2]!.id, 'applied', undefined],
      ]);
    });

    it('takes the events one by one when the whole batch fails, so only the event at fault is held back', async () => {
      const poison = envelope();
      const events = [envelope(), poison, envelope()];
      const { seen, receive } = consumer((e) => (e.id === poison.id ? new Error('database says no') : undefined));

      const { receipts } = await receiveEventBatch(events, receive, {
        check: () => undefined,
        applyAll: async () => {
          throw new Error('database says no');
        },
      });

      expect(seen).toEqual([events[0]!.id, poison.id]);
      expect(receipts).toEqual([{ eventId: events[0]!.id, outcome: 'applied' }]);
    });

    it('uses the one-by-one path for a single event', async () => {
      const events = [envelope()];
      const { seen, receive } = consumer();
      let together = 0;

      await receiveEventBatch(events, receive, {
        check: () => undefined,
        applyAll: async (all) => {
          together++;
          return all.map(() => 'applied' as const);
        },
      });

      expect(together).toBe(0);
      expect(seen).toEqual([events[0]!.id]);
    });
  });
});
