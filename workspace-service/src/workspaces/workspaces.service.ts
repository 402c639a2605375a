import { decodeCursor, KeysetCursor, Page, toPage, ValidationFailedError } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import type { Workspace } from '../generated/prisma/client.js';
import { CreateWorkspaceDto, ListWorkspacesQuery, UpdateWorkspaceDto } from './dto/workspace-requests.dto.js';
import { WorkspaceDto } from './dto/workspace.dto.js';
import { canonicalTimeZone, DEFAULT_MAX_BOOKING_MINUTES, DEFAULT_MIN_BOOKING_MINUTES } from './dto/validators.js';
import { normalizeOpeningHours, storedOpeningHours, workspaceRuleViolations } from './workspace-validation.js';
import { WorkspaceNotFoundError, WorkspaceUpdateConflictError } from './workspaces.errors.js';
import { CatalogueCache } from './catalogue-cache.js';
import { WorkspaceChanges, WorkspaceData, WorkspacesRepository } from './workspaces.repository.js';

/** A workspace before the checks that span fields: opening hours as the client sent them. */
type WorkspaceDraft = Omit<WorkspaceData, 'openingHours'> & { openingHours: readonly unknown[] | null };

/** How often an update re-reads and re-applies itself when other writes keep winning the race. */
const MAX_UPDATE_ATTEMPTS = 5;

@Injectable()
export class WorkspacesService {
  constructor(
    private readonly workspaces: WorkspacesRepository,
    private readonly catalogue: CatalogueCache,
  ) {}

  /** `actorId`: the admin, recorded in the audit trail with the change. */
  async create(input: CreateWorkspaceDto, actorId: string): Promise<WorkspaceDto> {
    const data = validated({
      name: input.name,
      description: textOrNull(input.description),
      type: input.type,
      capacity: input.capacity,
      hourlyRateCents: input.hourlyRateCents,
      currency: input.currency,
      timezone: canonicalTimeZone(input.timezone),
      openingHours: input.openingHours ?? null,
      minBookingMinutes: input.minBookingMinutes ?? DEFAULT_MIN_BOOKING_MINUTES,
      maxBookingMinutes: input.maxBookingMinutes ?? DEFAULT_MAX_BOOKING_MINUTES,
    });
    const created = await this.workspaces.create(data, actorId);
    this.catalogue.clear();
    return WorkspaceDto.from(created);
  }

  /** Inactive workspaces too (active=false): booking-service needs them to refuse bookings. */
  get(id: string): Promise<WorkspaceDto> {
    return this.catalogue.read(`workspace:${id}`, async () => {
      const row = await this.workspaces.findById(id);
      if (!row) throw new WorkspaceNotFoundError(id);
      return WorkspaceDto.from(row);
    });
  }

  list(query: ListWorkspacesQuery): Promise<Page<WorkspaceDto>> {
    const cursor = decodeListCursor(query.cursor);
    const key = `list:${query.type ?? ''}:${query.minCapacity ?? ''}:${query.active ?? ''}:${query.limit}:${query.cursor ?? ''}`;
    return this.catalogue.read(key, async () => {
      const rows = await this.workspaces.list(
        { type: query.type, minCapacity: query.minCapacity, active: query.active },
        query.limit,
        cursor,
      );
      return toPage(rows, query.limit, WorkspaceDto.from);
    });
  }

  /**
   * Merges the given fields into the stored workspace, validates the result as a whole (so
   * `maxBookingMinutes` alone is checked against the stored `minBookingMinutes`), and writes it
   * only if the workspace is still the version that was read; otherwise reads and merges again.
   * A patch that changes nothing writes nothing (and is not audited): version and updatedAt stay,
   * so a retry answers exactly what the first attempt did.
   */
  async update(id: string, patch: UpdateWorkspaceDto, actorId: string): Promise<WorkspaceDto> {
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      const current = await this.workspaces.findById(id);
      if (!current) throw new WorkspaceNotFoundError(id);
      const stored = dataOf(current);
      const next = validated(merge(stored, patch));
      const changes = changedFields(stored, next);
      if (Object.keys(changes.after).length === 0) return WorkspaceDto.from(current);
      const updated = await this.workspaces.updateAtVersion(id, current.version, next, actorId, changes);
      if (updated) {
        this.catalogue.clear();
        return WorkspaceDto.from(updated);
      }
    }
    throw new WorkspaceUpdateConflictError(id);
  }

  /** Idempotent: a workspace already in that state is returned as it is (no new version, nothing audited). */
  async setActive(id: string, active: boolean, actorId: string): Promise<WorkspaceDto> {
    const row = await this.workspaces.setActive(id, active, actorId);
    if (!row) throw new WorkspaceNotFoundError(id);
    this.catalogue.clear();
    return WorkspaceDto.from(row);
  }
}

/** The draft with its cross-field rules checked and its opening hours normalised; else 400. */
export function validated(draft: WorkspaceDraft): WorkspaceData {
  const violations = workspaceRuleViolations(draft);
  if (violations.length > 0) throw new ValidationFailedError(violations);
  return { ...draft, openingHours: draft.openingHours && normalizeOpeningHours(draft.openingHours) };
}

function textOrNull(value: string | null | undefined): string | null {
  return value ? value : null;
}

function dataOf(row: Workspace): WorkspaceData {
  return {
    name: row.name,
    description: row.description,
    type: row.type,
    capacity: row.capacity,
    hourlyRateCents: row.hourlyRateCents,
    currency: row.currency,
    timezone: row.timezone,
    openingHours: storedOpeningHours(row.openingHours),
    minBookingMinutes: row.minBookingMinutes,
    maxBookingMinutes: row.maxBookingMinutes,
  };
}

/** The stored workspace with every field the patch gives; `undefined` keeps, `null` clears. */
function merge(stored: WorkspaceData, patch: UpdateWorkspaceDto): WorkspaceDraft {
  return {
    name: patch.name ?? stored.name,
    description: patch.description === undefined ? stored.description : textOrNull(patch.description),
    type: patch.type ?? stored.type,
    capacity: patch.capacity ?? stored.capacity,
    hourlyRateCents: patch.hourlyRateCents ?? stored.hourlyRateCents,
    currency: patch.currency ?? stored.currency,
    timezone: patch.timezone === undefined ? stored.timezone : canonicalTimeZone(patch.timezone),
    openingHours: patch.openingHours === undefined ? stored.openingHours : patch.openingHours,
    minBookingMinutes: patch.minBookingMinutes ?? stored.minBookingMinutes,
    maxBookingMinutes: patch.maxBookingMinutes ?? stored.maxBookingMinutes,
  };
}

/** The fields whose value differs between `a` and `b`, with both values; empty when nothing changes. */
function changedFields(a: WorkspaceData, b: WorkspaceData): WorkspaceChanges {
  const changes: { before: Record<string, unknown>; after: Record<string, unknown> } = { before: {}, after: {} };
  for (const key of Object.keys(a) as (keyof WorkspaceData)[]) {
    const same =
      key === 'openingHours' ? JSON.stringify(a.openingHours) === JSON.stringify(b.openingHours) : a[key] === b[key];
    if (same) continue;
    changes.before[key] = a[key];
    changes.after[key] = b[key];
  }
  return changes as WorkspaceChanges;
}

/**
 * An instant exactly as `toPage` writes it (Date#toISOString), so always one PostgreSQL can hold;
 * not year 0000, which JavaScript dates have and PostgreSQL does not (it was a 500).
 */
const CURSOR_INSTANT = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The kit's decodeCursor accepts any string id and any instant Date.parse reads; a hand-made
 * cursor with a non-UUID id or a year PostgreSQL cannot store would then fail in the database
 * (500). Only cursors shaped like the ones this service hands out get through.
 */
export function decodeListCursor(raw: string | undefined): KeysetCursor | undefined {
  const cursor = decodeCursor(raw);
  if (cursor && !(isUUID(cursor.id) && typeof cursor.createdAt === 'string' && CURSOR_INSTANT.test(cursor.createdAt))) {
    throw ValidationFailedError.forField('cursor', 'cursor is not a valid page cursor');
  }
  return cursor;
}
