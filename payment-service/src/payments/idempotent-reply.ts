import type { FastifyReply } from 'fastify';
import { ReplayedProblemError } from '../idempotency/idempotency.errors.js';

/** Marks a replayed answer (success or stored error) with `Idempotent-Replayed: true`. */
export async function answerIdempotently<T>(
  reply: FastifyReply,
  status: number,
  work: () => Promise<{ value: T; replayed: boolean }>,
): Promise<T> {
  try {
    const { value, replayed } = await work();
    void reply.status(status);
    if (replayed) void reply.header('idempotent-replayed', 'true');
    return value;
  } catch (error) {
    if (error instanceof ReplayedProblemError) void reply.header('idempotent-replayed', 'true');
    throw error;
  }
}
