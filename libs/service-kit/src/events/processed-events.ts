/**
 * Consumer-side deduplication. Each consuming service has this table (in its own migrations):
 *
 *   CREATE TABLE processed_events (
 *     event_id uuid PRIMARY KEY,
 *     type varchar(64) NOT NULL,
 *     source varchar(64) NOT NULL,
 *     processed_at timestamptz(3) NOT NULL DEFAULT now()
 *   );
 *
 * and calls `recordEventOnce` first inside the transaction that applies the event: the primary
 * key makes a redelivery (or two concurrent deliveries) of one event apply it at most once, and
 * a rollback of the change also forgets the event, so the next delivery applies it again.
 */
export interface RawExecutor {
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
}

/** true the first time an event id is recorded in this transaction's database, false after. */
export async function recordEventOnce(
  tx: RawExecutor,
  event: { id: string; type: string; source: string },
): Promise<boolean> {
  const inserted = await tx.$executeRaw`
    INSERT INTO processed_events (event_id, type, source)
    VALUES (${event.id}::uuid, ${event.type}, ${event.source})
    ON CONFLICT (event_id) DO NOTHING`;
  return inserted === 1;
}
