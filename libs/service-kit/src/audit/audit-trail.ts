import { randomUUID } from 'node:crypto';
import type { RawExecutor } from '../events/processed-events.js';
import { currentRequestId } from '../observability/request-context.js';

/**
 * The platform's audit trail, kept where each admin action happens. A service that lets admins
 * change things has this table (in its own migrations, and its Prisma schema):
 *
 *   CREATE TABLE audit_entries (
 *     id uuid PRIMARY KEY,
 *     sequence bigserial NOT NULL UNIQUE,
 *     occurred_at timestamptz(3) NOT NULL DEFAULT now(),
 *     actor_id uuid,
 *     action varchar(64) NOT NULL,
 *     target_type varchar(32) NOT NULL,
 *     target_id varchar(64) NOT NULL,
 *     before jsonb,
 *     after jsonb,
 *     request_id varchar(128)
 *   );
 *
 * and records each action with `recordAdminAction` inside the transaction that performs it, so
 * an action is in the trail exactly when it happened. admin-service collects the entries through
 * GET /internal/audit-entries (AuditModule) into the one audit log admins read.
 */
export interface AdminAction {
  /** what was done, `<target>.<verb>` in snake case: `user.role_changed`, `workspace.updated` */
  action: string;
  targetType: string;
  targetId: string;
  /** the admin's user id (null: the platform itself) */
  actorId: string | null;
  before?: unknown;
  after?: unknown;
}

export async function recordAdminAction(tx: RawExecutor, entry: AdminAction): Promise<void> {
  const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));
  await tx.$executeRaw`
    INSERT INTO audit_entries (id, actor_id, action, target_type, target_id, before, after, request_id)
    VALUES (${randomUUID()}::uuid, ${entry.actorId}::uuid, ${entry.action}, ${entry.targetType}, ${entry.targetId},
            ${json(entry.before)}::jsonb, ${json(entry.after)}::jsonb, ${currentRequestId() ?? null})`;
}
