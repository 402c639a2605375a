import { CatalogueCache } from './catalogue-cache.js';
import type { WorkspaceServiceConfig } from '../config.js';
import { createValidationPipe, DomainError, ValidationFailedError } from '@cowork/service-kit';
import { randomUUID } from 'node:crypto';
import type { Workspace } from '../generated/prisma/client.js';
import { WorkspaceType } from '../generated/prisma/enums.js';
import { CreateWorkspaceDto, ListWorkspacesQuery, UpdateWorkspaceDto } from './dto/workspace-requests.dto.js';
import { canonicalTimeZone, isIsoCurrency } from './dto/validators.js';
import { openingHoursFieldViolations, workspaceRuleViolations } from './workspace-validation.js';
import type {
  WorkspaceChanges,
  WorkspaceData,
  WorkspaceFilter,
  WorkspacesRepository,
} from './workspaces.repository.js';
import { decodeListCursor, WorkspacesService } from './workspaces.service.js';

type RepositoryContract = { [K in keyof WorkspacesRepository]: WorkspacesRepository[K] };

/** the admin making the changes */
const ACTOR = randomUUID();

interface AuditRecord {
  action: string;
  targetId: string;
  actorId: string;
  before?: unknown;
  after?: unknown;
}

/** The repository contract kept in memory: versions, optimistic writes, newest-first listing. */
class InMemoryWorkspacesRepository implements RepositoryContract {
  readonly rows = new Map<string, Workspace>();
  writes = 0;
  /** what the real repository records in audit_entries, in the same transaction as each write */
  readonly audit: AuditRecord[] = [];
  /** runs inside updateAtVersion() before the version check: lets a test simulate a concurrent write */
  beforeUpdate?: (id: string) => void;
  private clock = Date.parse('2026-01-01T00:00:00.000Z');

  async findById(id: string) {
    return this.rows.get(id) ?? null;
  }

  async create(data: WorkspaceData, actorId: string) {
    this.writes++;
    const now = new Date((this.clock += 1000));
    const row: Workspace = {
      id: randomUUID(),
      ...data,
      openingHours: data.openingHours as Workspace['openingHours'],
      active: true,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    this.rows.set(row.id, row);
    this.audit.push({ action: 'workspace.created', targetId: row.id, actorId, after: row });
    return row;
  }

  async updateAtVersion(id: string, version: number, data: WorkspaceData, actorId: string, changes: WorkspaceChanges) {
    this.beforeUpdate?.(id);
    const row = this.rows.get(id);
    if (!row || row.version !== version) return null;
    this.audit.push({ action: 'workspace.updated', targetId: id, actorId, ...changes });
    return this.write(row, { ...data, openingHours: data.openingHours as Workspace['openingHours'] });
  }

  async setActive(id: string, active: boolean, actorId: string) {
    const row = this.rows.get(id);
    if (!row) return null;
    if (row.active === active) return row;
    this.audit.push({
      action: active ? 'workspace.activated' : 'workspace.deactivated',
      targetId: id,
      actorId,
      before: { active: !active },
      after: { active },
    });
    return this.write(row, { active });
  }

  async list(filter: WorkspaceFilter, limit: number) {
    return [...this.rows.values()]
      .filter((r) => r.active === filter.active && (!filter.type || r.type === filter.type))
      .filter((r) => filter.minCapacity === undefined || r.capacity >= filter.minCapacity)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .slice(0, limit + 1);
  }

  /** A write by someone else: bumps the version like any update. */
  touch(id: string, change: Partial<Workspace> = {}) {
    this.write(this.rows.get(id)!, change);
  }

  private write(row: Workspace, change: Partial<Workspace>): Workspace {
    this.writes++;
    const updated = { ...row, ...change, version: row.version + 1, updatedAt: new Date((this.clock += 1000)) };
    this.rows.set(row.id, updated);
    return updated;
  }
}

const weekdays = (open = '08:00', close = '18:00') => [1, 2, 3, 4, 5].map((day) => ({ day, open, close }));

function createInput(overrides: Partial<CreateWorkspaceDto> = {}): CreateWorkspaceDto {
  return Object.assign(new CreateWorkspaceDto(), {
    name: 'Room 1',
    type: WorkspaceType.MEETING_ROOM,
    capacity: 6,
    hourlyRateCents: 2500,
    currency: 'EUR',
    timezone: 'Europe/Berlin',
    openingHours: weekdays(),
    ...overrides,
  });
}

const patch = (fields: Partial<UpdateWorkspaceDto>) => Object.assign(new UpdateWorkspaceDto(), fields);

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, but the call succeeded');
}

const fields = (error: DomainError) => (error as ValidationFailedError).violations.map((v) => v.field).sort();

describe('WorkspacesService', () => {
  let repo: InMemoryWorkspacesRepository;
  let workspaces: WorkspacesService;

  beforeEach(() => {
    repo = new InMemoryWorkspacesRepository();
    // the catalogue cache on, as in production: a write must clear it before the next read
    workspaces = new WorkspacesService(
      repo as unknown as WorkspacesRepository,
      new CatalogueCache({ CATALOGUE_CACHE_MS: 60_000 } as WorkspaceServiceConfig),
    );
  });

  describe('create', () => {
    it('applies the defaults and starts active at version 1', async () => {
      const ws = await workspaces.create(createInput({ openingHours: undefined }), ACTOR);
      expect(ws).toMatchObject({
        description: null,
        openingHours: null,
        minBookingMinutes: 30,
        maxBookingMinutes: 1440,
        active: true,
        version: 1,
      });
    });

    it('stores opening hours sorted by day and time, keeping only day, open and close', async () => {
      const ws = await workspaces.create(
        createInput({
          openingHours: [
            { day: 3, open: '13:00', close: '17:00' },
            { day: 1, open: '09:00', close: '12:00' },
            { day: 3, open: '08:00', close: '12:00' },
          ],
        }),
        ACTOR,
      );
      expect(ws.openingHours).toEqual([
        { day: 1, open: '09:00', close: '12:00' },
        { day: 3, open: '08:00', close: '12:00' },
        { day: 3, open: '13:00', close: '17:00' },
      ]);
    });

    it('spells the time zone canonically and makes a blank description none', async () => {
      const ws = await workspaces.create(createInput({ timezone: 'asia/tokyo', description: '' }), ACTOR);
      expect(ws).toMatchObject({ timezone: 'Asia/Tokyo', description: null });
    });

    it.each<[string, Partial<CreateWorkspaceDto>, string[]]>([
      ['close before open', { openingHours: [{ day: 1, open: '18:00', close: '09:00' }] }, ['openingHours[0].close']],
      [
        'overlapping ranges',
        {
          openingHours: [
            { day: 2, open: '08:00', close: '12:00' },
            { day: 2, open: '11:59', close: '13:00' },
          ],
        },
        ['openingHours[1]'],
      ],
      ['maximum below minimum', { minBookingMinutes: 90, maxBookingMinutes: 60 }, ['maxBookingMinutes']],
      ['a minimum above the default maximum', { minBookingMinutes: 1441 }, ['maxBookingMinutes']],
    ])('refuses %s with VALIDATION_FAILED naming the field, and stores nothing', async (_what, overrides, names) => {
      const error = await failure(workspaces.create(createInput(overrides), ACTOR));
      expect(error).toBeInstanceOf(ValidationFailedError);
      expect(error).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
      expect(fields(error)).toEqual(names);
      expect(repo.rows.size).toBe(0);
    });
  });

  describe('get', () => {
    it('returns inactive workspaces too', async () => {
      const ws = await workspaces.create(createInput(), ACTOR);
      await workspaces.setActive(ws.id, false, ACTOR);
      expect(await workspaces.get(ws.id)).toMatchObject({ id: ws.id, active: false });
    });

    it('answers WORKSPACE_NOT_FOUND (404) for an unknown id', async () => {
      expect(await failure(workspaces.get(randomUUID()))).toMatchObject({ code: 'WORKSPACE_NOT_FOUND', status: 404 });
    });
  });

  describe('update', () => {
    it('merges the given fields into the stored ones and increments the version', async () => {
      const ws = await workspaces.create(createInput({ description: 'Old' }), ACTOR);
      const updated = await workspaces.update(ws.id, patch({ capacity: 8, description: null }), ACTOR);
      expect(updated).toEqual({ ...ws, capacity: 8, description: null, version: 2, updatedAt: expect.any(String) });
    });

    it('validates the merged workspace: a new maximum against the stored minimum', async () => {
      const ws = await workspaces.create(createInput({ minBookingMinutes: 120, maxBookingMinutes: 240 }), ACTOR);
      const error = await failure(workspaces.update(ws.id, patch({ maxBookingMinutes: 90 }), ACTOR));
      expect(fields(error)).toEqual(['maxBookingMinutes']);
      expect(repo.rows.get(ws.id)!.version).toBe(1);
    });

    it('writes nothing when nothing changes (a retry): same answer, same version', async () => {
      const ws = await workspaces.create(createInput(), ACTOR);
      const writes = repo.writes;
      expect(await workspaces.update(ws.id, patch({ capacity: ws.capacity, name: ws.name }), ACTOR)).toEqual(ws);
      expect(await workspaces.update(ws.id, patch({ openingHours: [...weekdays()].reverse() }), ACTOR)).toEqual(ws);
      expect(await workspaces.update(ws.id, patch({}), ACTOR)).toEqual(ws);
      expect(repo.writes).toBe(writes);
    });

    it('hands the repository only the fields that change, before and after, for the audit trail', async () => {
      const ws = await workspaces.create(createInput({ description: 'Old', capacity: 6 }), ACTOR);
      await workspaces.update(ws.id, patch({ capacity: 8, description: null, name: ws.name }), ACTOR);
      await workspaces.update(ws.id, patch({ capacity: 8 }), ACTOR);
      expect(repo.audit.filter((a) => a.action === 'workspace.updated')).toEqual([
        {
          action: 'workspace.updated',
          targetId: ws.id,
          actorId: ACTOR,
          before: { capacity: 6, description: 'Old' },
          after: { capacity: 8, description: null },
        },
      ]);
    });

    it('re-reads and re-validates when another write got in first, so both changes land', async () => {
      const ws = await workspaces.create(createInput(), ACTOR);
      repo.beforeUpdate = (id) => {
        repo.beforeUpdate = undefined;
        repo.touch(id, { hourlyRateCents: 9999 });
      };
      const updated = await workspaces.update(ws.id, patch({ capacity: 3 }), ACTOR);
      expect(updated).toMatchObject({ capacity: 3, hourlyRateCents: 9999, version: 3 });
    });

    it('refuses a change that became invalid through the concurrent write', async () => {
      const ws = await workspaces.create(createInput({ minBookingMinutes: 30, maxBookingMinutes: 600 }), ACTOR);
      repo.beforeUpdate = (id) => {
        repo.beforeUpdate = undefined;
        repo.touch(id, { minBookingMinutes: 300 });
      };
      const error = await failure(workspaces.update(ws.id, patch({ maxBookingMinutes: 120 }), ACTOR));
      expect(fields(error)).toEqual(['maxBookingMinutes']);
      expect(repo.rows.get(ws.id)).toMatchObject({ minBookingMinutes: 300, maxBookingMinutes: 600 });
    });

    it('gives up with WORKSPACE_UPDATE_CONFLICT (409) when other writes keep winning', async () => {
      const ws = await workspaces.create(createInput(), ACTOR);
      repo.beforeUpdate = (id) => repo.touch(id);
      const error = await failure(workspaces.update(ws.id, patch({ capacity: 3 }), ACTOR));
      expect(error).toMatchObject({ code: 'WORKSPACE_UPDATE_CONFLICT', status: 409 });
    });

    it('answers WORKSPACE_NOT_FOUND for an unknown id', async () => {
      expect((await failure(workspaces.update(randomUUID(), patch({ capacity: 2 }), ACTOR))).code).toBe(
        'WORKSPACE_NOT_FOUND',
      );
    });
  });

  describe('setActive', () => {
    it('deactivates and activates, each a new version, and repeats as no-ops', async () => {
      const ws = await workspaces.create(createInput(), ACTOR);
      const off = await workspaces.setActive(ws.id, false, ACTOR);
      expect(off).toMatchObject({ active: false, version: 2 });
      expect(await workspaces.setActive(ws.id, false, ACTOR)).toEqual(off);
      expect(await workspaces.setActive(ws.id, true, ACTOR)).toMatchObject({ active: true, version: 3 });
    });

    it('answers WORKSPACE_NOT_FOUND for an unknown id', async () => {
      expect((await failure(workspaces.setActive(randomUUID(), false, ACTOR))).code).toBe('WORKSPACE_NOT_FOUND');
    });
  });

  describe('list', () => {
    it('returns a page with a cursor when more rows exist, and none on the last page', async () => {
      for (let i = 0; i < 3; i++) await workspaces.create(createInput({ name: `Room ${i}` }), ACTOR);
      const page = await workspaces.list(Object.assign(new ListWorkspacesQuery(), { limit: 2 }));
      expect(page.items.map((w) => w.name)).toEqual(['Room 2', 'Room 1']);
      expect(page.nextCursor).toEqual(expect.any(String));
      expect((await workspaces.list(Object.assign(new ListWorkspacesQuery(), { limit: 3 }))).nextCursor).toBeNull();
    });

    it('lists active workspaces unless asked for the inactive ones', async () => {
      const ws = await workspaces.create(createInput(), ACTOR);
      await workspaces.setActive(ws.id, false, ACTOR);
      expect((await workspaces.list(new ListWorkspacesQuery())).items).toEqual([]);
      const inactive = await workspaces.list(Object.assign(new ListWorkspacesQuery(), { active: false }));
      expect(inactive.items.map((w) => w.id)).toEqual([ws.id]);
    });
  });
});

describe('opening hours validation', () => {
  it('accepts several ranges a day that touch, "24:00", and an empty week', () => {
    expect(
      openingHoursFieldViolations([
        { day: 1, open: '08:00', close: '12:00' },
        { day: 1, open: '12:00', close: '24:00' },
      ]),
    ).toEqual([]);
    expect(openingHoursFieldViolations([])).toEqual([]);
  });

  it('names entries that are not objects and keeps the index of every other entry', () => {
    const violations = openingHoursFieldViolations([
      null,
      'Mon 9-5',
      { day: 1, open: '18:00', close: '09:00' },
      [1, '08:00', '09:00'],
    ]);
    expect(violations.map((v) => v.field)).toEqual([
      'openingHours[0]',
      'openingHours[1]',
      'openingHours[3]',
      'openingHours[2].close',
    ]);
  });

  it('names unknown properties and wrong types inside an entry, one violation per field', () => {
    const violations = openingHoursFieldViolations([{ day: '1', open: 900, close: '10:00', note: 'x' }]);
    expect(violations.map((v) => v.field).sort()).toEqual([
      'openingHours[0].day',
      'openingHours[0].note',
      'openingHours[0].open',
    ]);
    const day = violations.find((v) => v.field === 'openingHours[0].day')!;
    expect(day.messages).toHaveLength(2); // the type (DTO) and the weekday range (workspace-rules)
  });

  it('names the later of two overlapping ranges of one day, not ranges on different days', () => {
    expect(
      openingHoursFieldViolations([
        { day: 3, open: '09:00', close: '12:00' },
        { day: 4, open: '09:00', close: '12:00' },
        { day: 3, open: '11:00', close: '14:00' },
      ]),
    ).toEqual([{ field: 'openingHours[2]', messages: ['overlaps openingHours[0] on day 3'] }]);
  });

  it('checks maxBookingMinutes against minBookingMinutes', () => {
    expect(workspaceRuleViolations({ openingHours: null, minBookingMinutes: 60, maxBookingMinutes: 60 })).toEqual([]);
    expect(workspaceRuleViolations({ openingHours: null, minBookingMinutes: 61, maxBookingMinutes: 60 })).toEqual([
      { field: 'maxBookingMinutes', messages: ['maxBookingMinutes (60) must be at least minBookingMinutes (61)'] },
    ]);
  });
});

describe('request DTOs through the kit validation pipe', () => {
  const pipe = createValidationPipe();
  const validate = async (metatype: new () => object, value: unknown) => {
    try {
      return await pipe.transform(value, { type: 'body', metatype });
    } catch (error) {
      if (error instanceof ValidationFailedError) return error;
      throw error;
    }
  };
  const body = (overrides: Record<string, unknown> = {}) => ({
    name: 'Room',
    type: 'DESK',
    capacity: 1,
    hourlyRateCents: 100,
    currency: 'EUR',
    timezone: 'UTC',
    ...overrides,
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an invalid time zone', { timezone: 'Europe/Nowhere' }, 'timezone'],
    ['a negative price', { hourlyRateCents: -1 }, 'hourlyRateCents'],
    ['capacity 0', { capacity: 0 }, 'capacity'],
    ['an unknown currency', { currency: 'ABC' }, 'currency'],
    ['a name of 121 code points', { name: '\u{1F600}'.repeat(121) }, 'name'],
  ])('refuses %s naming %s', async (_what, overrides, field) => {
    const result = await validate(CreateWorkspaceDto, body(overrides));
    expect(result).toBeInstanceOf(ValidationFailedError);
    expect((result as ValidationFailedError).violations.map((v) => v.field)).toEqual([field]);
  });

  it('upper-cases the currency and trims the name', async () => {
    expect(await validate(CreateWorkspaceDto, body({ currency: ' usd ', name: '  Desk  ' }))).toMatchObject({
      currency: 'USD',
      name: 'Desk',
    });
  });

  it('accepts 120 emoji as a 120-character name', async () => {
    expect(await validate(CreateWorkspaceDto, body({ name: '\u{1F600}'.repeat(120) }))).toBeInstanceOf(
      CreateWorkspaceDto,
    );
  });

  it('lets a patch leave fields out but not set required ones to null', async () => {
    expect(await validate(UpdateWorkspaceDto, {})).toBeInstanceOf(UpdateWorkspaceDto);
    expect(await validate(UpdateWorkspaceDto, { description: null, openingHours: null })).toBeInstanceOf(
      UpdateWorkspaceDto,
    );
    const result = await validate(UpdateWorkspaceDto, { capacity: null });
    expect((result as ValidationFailedError).violations.map((v) => v.field)).toEqual(['capacity']);
  });

  it('reads active=false from a query string, and lists active ones by default', async () => {
    const query = (value: Record<string, string>) =>
      pipe.transform(value, { type: 'query', metatype: ListWorkspacesQuery });
    expect(await query({})).toMatchObject({ active: true, limit: 20 });
    expect(await query({ active: 'false' })).toMatchObject({ active: false });
    expect(await query({ active: 'true', minCapacity: '4' })).toMatchObject({ active: true, minCapacity: 4 });
  });
});

describe('time zones and currencies', () => {
  it('canonicalises the case of a zone but keeps aliases as given', () => {
    expect(canonicalTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('US/Pacific')).toBe('US/Pacific');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
  });

  it('knows real ISO 4217 codes only, upper case', () => {
    expect(isIsoCurrency('EUR')).toBe(true);
    expect(isIsoCurrency('JPY')).toBe(true);
    expect(isIsoCurrency('eur')).toBe(false);
    expect(isIsoCurrency('ABC')).toBe(false);
    expect(isIsoCurrency('XXX')).toBe(false);
    expect(isIsoCurrency(978)).toBe(false);
  });
});

describe('decodeListCursor', () => {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('accepts a cursor as the service writes it, and no cursor at all', () => {
    const cursor = { createdAt: '2026-01-01T10:00:00.123Z', id: randomUUID() };
    expect(decodeListCursor(encode(cursor))).toEqual(cursor);
    expect(decodeListCursor(undefined)).toBeUndefined();
  });

  it.each([
    ['a non-UUID id', { createdAt: '2026-01-01T10:00:00.123Z', id: "1' OR '1'='1" }],
    ['a year PostgreSQL cannot store', { createdAt: '-271821-04-20T00:00:00.000Z', id: randomUUID() }],
    ['year 0000', { createdAt: '0000-01-01T00:00:00.000Z', id: randomUUID() }],
    ['a numeric instant', { createdAt: 0, id: randomUUID() }],
    ['garbage', 'not even an object'],
  ])('rejects %s as a VALIDATION_FAILED on cursor', (_what, value) => {
    let error: unknown;
    try {
      decodeListCursor(encode(value));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationFailedError);
    expect((error as ValidationFailedError).violations[0]!.field).toBe('cursor');
  });
});
