import type { Principal } from '@cowork/service-kit';
import { DomainError } from '@cowork/service-kit';
import { randomUUID } from 'node:crypto';
import type { UserProfile } from '../generated/prisma/client.js';
import { UserRole, UserStatus } from '../generated/prisma/enums.js';
import { CreateProfileDto, ListUsersQuery } from './dto/user-requests.dto.js';
import type { UserFilter, UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

/** the admin making role and status changes */
const ADMIN_ACTOR = randomUUID();

type RepositoryContract = { [K in keyof UsersRepository]: UsersRepository[K] };

/** Prisma's unique-constraint error, by the shape the service recognises. */
function uniqueViolation(): Error {
  return Object.assign(new Error('Unique constraint failed'), { name: 'PrismaClientKnownRequestError', code: 'P2002' });
}

/**
 * The repository contract kept in memory: unique id and email, newest-first listing, and
 * "a change never leaves no active admin" as changeRoleOrStatus documents it.
 */
class InMemoryUsersRepository implements RepositoryContract {
  readonly rows = new Map<string, UserProfile>();
  /** runs inside create() before the write: lets a test simulate a concurrent request */
  beforeCreate?: () => void;
  failCreateWith?: Error;
  private clock = Date.parse('2026-01-01T00:00:00.000Z');

  async counts() {
    const tally = <K extends string>(key: (r: UserProfile) => K) => {
      const out: Partial<Record<K, number>> = {};
      for (const r of this.rows.values()) out[key(r)] = (out[key(r)] ?? 0) + 1;
      return out;
    };
    return { byRole: tally((r) => r.role), byStatus: tally((r) => r.status) };
  }

  async findById(id: string) {
    return this.rows.get(id) ?? null;
  }

  async findByEmail(email: string) {
    return [...this.rows.values()].find((r) => r.email === email) ?? null;
  }

  async create(data: { id: string; email: string; fullName: string; role: UserRole }) {
    this.beforeCreate?.();
    if (this.failCreateWith) throw this.failCreateWith;
    if (this.rows.has(data.id) || [...this.rows.values()].some((r) => r.email === data.email)) throw uniqueViolation();
    return this.insert(data);
  }

  /** Arranges a row directly (no uniqueness checks, no hooks). */
  insert(data: Partial<UserProfile> & { id: string; email: string }): UserProfile {
    const now = new Date((this.clock += 1000));
    const row: UserProfile = {
      fullName: 'Someone',
      role: UserRole.MEMBER,
      status: UserStatus.ACTIVE,
      createdAt: now,
      updatedAt: now,
      ...data,
    };
    this.rows.set(row.id, row);
    return row;
  }

  async updateFullName(id: string, fullName: string) {
    const row = this.rows.get(id);
    if (!row) throw Object.assign(new Error('not found'), { name: 'PrismaClientKnownRequestError', code: 'P2025' });
    const updated = { ...row, fullName, updatedAt: new Date((this.clock += 1000)) };
    this.rows.set(id, updated);
    return updated;
  }

  async delete(id: string) {
    return this.rows.delete(id) ? 1 : 0;
  }

  async list(filter: UserFilter, limit: number) {
    return [...this.rows.values()]
      .filter((r) => (!filter.role || r.role === filter.role) && (!filter.status || r.status === filter.status))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .slice(0, limit + 1);
  }

  async changeRoleOrStatus(id: string, change: { role?: UserRole; status?: UserStatus }) {
    const current = this.rows.get(id);
    if (!current) return { updated: null, wouldRemoveLastAdmin: false };
    const activeAdmin = (r: Pick<UserProfile, 'role' | 'status'>) =>
      r.role === UserRole.ADMIN && r.status === UserStatus.ACTIVE;
    if (activeAdmin(current) && !activeAdmin({ ...current, ...change })) {
      const activeAdmins = [...this.rows.values()].filter(activeAdmin).length;
      if (activeAdmins <= 1) return { updated: current, wouldRemoveLastAdmin: true };
    }
    const updated = { ...current, ...change };
    this.rows.set(id, updated);
    return { updated, wouldRemoveLastAdmin: false };
  }
}

const member = (userId: string): Principal => ({ kind: 'user', userId, role: 'MEMBER', tokenId: randomUUID() });
const admin = (userId = randomUUID()): Principal => ({ kind: 'user', userId, role: 'ADMIN', tokenId: randomUUID() });
const service = (): Principal => ({ kind: 'service', clientId: 'auth-service', tokenId: randomUUID() });

function profileInput(overrides: Partial<CreateProfileDto> = {}): CreateProfileDto {
  const id = randomUUID();
  return { id, email: `${id}@example.com`, fullName: 'Ada Lovelace', ...overrides };
}

async function domainError(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, but the call succeeded');
}

describe('UsersService', () => {
  let repo: InMemoryUsersRepository;
  let users: UsersService;

  beforeEach(() => {
    repo = new InMemoryUsersRepository();
    users = new UsersService(repo as unknown as UsersRepository);
  });

  describe('createProfile', () => {
    it('creates a MEMBER profile when no role is given', async () => {
      const input = profileInput();
      const { user, created } = await users.createProfile(input);
      expect(created).toBe(true);
      expect(user).toMatchObject({
        id: input.id,
        email: input.email,
        fullName: 'Ada Lovelace',
        role: 'MEMBER',
        status: 'ACTIVE',
      });
      expect(repo.rows.size).toBe(1);
    });

    it('keeps an explicit ADMIN role (the bootstrap admin)', async () => {
      const { user } = await users.createProfile(profileInput({ role: UserRole.ADMIN }));
      expect(user.role).toBe('ADMIN');
    });

    it('is idempotent on the id: a replay returns the stored profile, created = false, and writes nothing', async () => {
      const input = profileInput();
      const first = await users.createProfile(input);
      const replay = await users.createProfile({ ...input, fullName: 'A different name in the retry' });
      expect(replay.created).toBe(false);
      expect(replay.user).toEqual(first.user);
      expect(repo.rows.size).toBe(1);
    });

    it('refuses the same id with a different email as EMAIL_TAKEN (409)', async () => {
      const input = profileInput();
      await users.createProfile(input);
      const error = await domainError(users.createProfile({ ...input, email: 'someone-else@example.com' }));
      expect(error).toMatchObject({ code: 'EMAIL_TAKEN', status: 409 });
    });

    it('refuses an email that belongs to another id as EMAIL_TAKEN (409)', async () => {
      const first = profileInput();
      await users.createProfile(first);
      const error = await domainError(users.createProfile(profileInput({ email: first.email })));
      expect(error).toMatchObject({ code: 'EMAIL_TAKEN', status: 409 });
      expect(repo.rows.size).toBe(1);
    });

    it('answers a concurrent twin that won the insert race as a replay', async () => {
      const input = profileInput();
      repo.beforeCreate = () => {
        repo.beforeCreate = undefined;
        repo.insert({ id: input.id, email: input.email, fullName: input.fullName });
      };
      const { user, created } = await users.createProfile(input);
      expect(created).toBe(false);
      expect(user.id).toBe(input.id);
    });

    it('answers EMAIL_TAKEN when a concurrent request under another id took the email first', async () => {
      const input = profileInput();
      repo.beforeCreate = () => {
        repo.beforeCreate = undefined;
        repo.insert({ id: randomUUID(), email: input.email });
      };
      const error = await domainError(users.createProfile(input));
      expect(error.code).toBe('EMAIL_TAKEN');
    });

    it('lets errors other than a unique violation through unchanged', async () => {
      const boom = new Error('connection reset');
      repo.failCreateWith = boom;
      await expect(users.createProfile(profileInput())).rejects.toBe(boom);
    });
  });

  describe('getAs', () => {
    let owner: UserProfile;
    beforeEach(() => {
      owner = repo.insert({ id: randomUUID(), email: 'owner@example.com' });
    });

    it.each([
      ['the user themself', () => member(owner.id)],
      ['an admin', () => admin()],
      ['a service', () => service()],
    ])('shows the profile to %s', async (_who, principal) => {
      const user = await users.getAs(principal(), owner.id);
      expect(user.id).toBe(owner.id);
      expect(user.email).toBe('owner@example.com');
    });

    it('answers another member USER_NOT_FOUND (404), as if the profile did not exist', async () => {
      const error = await domainError(users.getAs(member(randomUUID()), owner.id));
      expect(error).toMatchObject({ code: 'USER_NOT_FOUND', status: 404 });
    });

    it('answers USER_NOT_FOUND for an id that does not exist, whoever asks', async () => {
      for (const principal of [admin(), service()]) {
        expect((await domainError(users.getAs(principal, randomUUID()))).code).toBe('USER_NOT_FOUND');
      }
    });
  });

  describe('updateFullName', () => {
    it('changes the name and nothing else', async () => {
      const row = repo.insert({ id: randomUUID(), email: 'a@example.com', role: UserRole.ADMIN });
      const user = await users.updateFullName(row.id, 'New Name');
      expect(user).toMatchObject({ id: row.id, fullName: 'New Name', email: 'a@example.com', role: 'ADMIN' });
    });

    it('answers USER_NOT_FOUND for a user without a profile', async () => {
      expect((await domainError(users.updateFullName(randomUUID(), 'x'))).code).toBe('USER_NOT_FOUND');
    });
  });

  describe('changeRole / changeStatus and the last active admin', () => {
    it('demotes an admin while another active admin remains', async () => {
      const a = repo.insert({ id: randomUUID(), email: 'a@example.com', role: UserRole.ADMIN });
      repo.insert({ id: randomUUID(), email: 'b@example.com', role: UserRole.ADMIN });
      expect((await users.changeRole(a.id, UserRole.MEMBER, ADMIN_ACTOR)).role).toBe('MEMBER');
    });

    it('refuses to demote the last active admin with LAST_ADMIN (409) and changes nothing', async () => {
      const a = repo.insert({ id: randomUUID(), email: 'a@example.com', role: UserRole.ADMIN });
      const error = await domainError(users.changeRole(a.id, UserRole.MEMBER, ADMIN_ACTOR));
      expect(error).toMatchObject({ code: 'LAST_ADMIN', status: 409 });
      expect(repo.rows.get(a.id)!.role).toBe('ADMIN');
    });

    it('refuses to suspend the last active admin with LAST_ADMIN (409)', async () => {
      const a = repo.insert({ id: randomUUID(), email: 'a@example.com', role: UserRole.ADMIN });
      repo.insert({ id: randomUUID(), email: 'b@example.com', role: UserRole.ADMIN, status: UserStatus.SUSPENDED });
      const error = await domainError(users.changeStatus(a.id, UserStatus.SUSPENDED, ADMIN_ACTOR));
      expect(error.code).toBe('LAST_ADMIN');
      expect(repo.rows.get(a.id)!.status).toBe('ACTIVE');
    });

    it('allows idempotent no-op changes to the last admin (ADMIN stays ADMIN, ACTIVE stays ACTIVE)', async () => {
      const a = repo.insert({ id: randomUUID(), email: 'a@example.com', role: UserRole.ADMIN });
      expect((await users.changeRole(a.id, UserRole.ADMIN, ADMIN_ACTOR)).role).toBe('ADMIN');
      expect((await users.changeStatus(a.id, UserStatus.ACTIVE, ADMIN_ACTOR)).status).toBe('ACTIVE');
    });

    it('suspends and reactivates members freely', async () => {
      const m = repo.insert({ id: randomUUID(), email: 'm@example.com' });
      expect((await users.changeStatus(m.id, UserStatus.SUSPENDED, ADMIN_ACTOR)).status).toBe('SUSPENDED');
      expect((await users.changeStatus(m.id, UserStatus.ACTIVE, ADMIN_ACTOR)).status).toBe('ACTIVE');
    });

    it('answers USER_NOT_FOUND for an unknown id', async () => {
      expect((await domainError(users.changeRole(randomUUID(), UserRole.ADMIN, ADMIN_ACTOR))).code).toBe(
        'USER_NOT_FOUND',
      );
      expect((await domainError(users.changeStatus(randomUUID(), UserStatus.ACTIVE, ADMIN_ACTOR))).code).toBe(
        'USER_NOT_FOUND',
      );
    });
  });

  describe('list', () => {
    it('returns a page with a cursor when more rows exist, and none on the last page', async () => {
      for (let i = 0; i < 3; i++) repo.insert({ id: randomUUID(), email: `${i}@example.com` });
      const page = await users.list(Object.assign(new ListUsersQuery(), { limit: 2 }));
      expect(page.items).toHaveLength(2);
      expect(page.nextCursor).toEqual(expect.any(String));
      const all = await users.list(Object.assign(new ListUsersQuery(), { limit: 3 }));
      expect(all.nextCursor).toBeNull();
    });
  });
});
