import { Logger } from '@nestjs/common';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseConnection } from '../database/database-connection.js';
import type { SqlSession } from '../database/sql-session.js';
import { findSchemaDrift, readPrismaSchema } from './schema-drift.js';
import { provisionTestDatabase } from './test-database.js';

const SCHEMA = `
// a comment with a { brace } and model Ghost { that must be ignored
generator client {
  provider = "prisma-client"
  output   = "../src/generated/prisma"
}

datasource db {
  provider = "postgresql"
}

enum MemberRole {
  MEMBER
  ADMIN @map("admin")

  @@map("member_role")
}

enum Plan {
  FREE
  PRO
}

model Member {
  /// the auth-service user id
  id        String     @id @db.Uuid
  email     String     @unique @db.VarChar(320)
  fullName  String     @map("full_name")
  role      MemberRole @default(MEMBER)
  plan      Plan?
  createdAt DateTime   @default(now()) @map("created_at") @db.Timestamptz(3)
  desks     Desk[]

  @@index([createdAt, id])
  @@map("members")
}

model Desk {
  id       String  @id @default(uuid()) @db.Uuid
  memberId String  @map("member_id") @db.Uuid
  label    String
  member   Member  @relation(fields: [memberId], references: [id])
  owner    Member? @relation("owner", fields: [memberId], references: [id])

  @@unique([memberId, label])
}
`;

/** What a migration for SCHEMA creates, piece by piece, so a test can leave one piece out. */
const PARTS = {
  enumRole: `CREATE TYPE "member_role" AS ENUM ('MEMBER', 'admin');`,
  enumRoleWithoutAdmin: `CREATE TYPE "member_role" AS ENUM ('MEMBER');`,
  enumPlan: `CREATE TYPE "Plan" AS ENUM ('FREE', 'PRO');`,
  members: (fullName = true, planType = '"Plan"') => `CREATE TABLE "members" (
    "id" UUID PRIMARY KEY,
    "email" VARCHAR(320) NOT NULL,
    ${fullName ? '"full_name" TEXT NOT NULL,' : ''}
    "role" "member_role" NOT NULL DEFAULT 'MEMBER',
    "plan" ${planType},
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now());`,
  emailUnique: `CREATE UNIQUE INDEX "members_email_key" ON "members"("email");`,
  desk: `CREATE TABLE "Desk" (
    "id" UUID PRIMARY KEY,
    "member_id" UUID NOT NULL REFERENCES "members"("id"),
    "label" TEXT NOT NULL);`,
  deskUnique: `CREATE UNIQUE INDEX "Desk_member_id_label_key" ON "Desk"("member_id", "label");`,
};

const COMPLETE = [
  PARTS.enumRole,
  PARTS.enumPlan,
  PARTS.members(),
  PARTS.emailUnique,
  PARTS.desk,
  PARTS.deskUnique,
].join('\n');

const db = await provisionTestDatabase('service-kit');
let connection: DatabaseConnection;
let session: SqlSession;
let dir: string;
let schemaFile: string;

beforeAll(async () => {
  Logger.overrideLogger(false);
  dir = mkdtempSync(join(tmpdir(), 'kit-schema-drift-'));
  schemaFile = join(dir, 'schema.prisma');
  writeFileSync(schemaFile, SCHEMA);
  connection = DatabaseConnection.open({
    serviceName: 'service-kit',
    url: db.env.DATABASE_URL,
    dataDir: db.env.DATA_DIR ?? dir,
    poolSize: 2,
  });
  session = await connection.session();
});

beforeEach(() => session.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;'));

afterAll(async () => {
  await session?.release();
  await connection?.close();
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
  Logger.overrideLogger(['log', 'error', 'warn']);
});

/** Migrates the database from one Prisma-format migration holding `sql`. */
async function migrateWith(sql: string): Promise<void> {
  const migrations = join(dir, `migrations-${Math.random().toString(36).slice(2)}`);
  mkdirSync(join(migrations, '20260101000000_init'), { recursive: true });
  writeFileSync(join(migrations, '20260101000000_init', 'migration.sql'), sql);
  await connection.migrate(migrations);
}

describe('readPrismaSchema', () => {
  it('names tables and columns as the database has them (@@map and @map), skipping relation fields', () => {
    const schema = readPrismaSchema(schemaFile);
    expect([...schema.tables.keys()]).toEqual(['members', 'Desk']);
    const members = schema.tables.get('members')!;
    expect(members.model).toBe('Member');
    expect([...members.columns.entries()]).toEqual([
      ['id', 'String'],
      ['email', 'String'],
      ['full_name', 'String'],
      ['role', 'MemberRole'],
      ['plan', 'Plan'],
      ['created_at', 'DateTime'],
    ]);
    expect([...schema.tables.get('Desk')!.columns.keys()]).toEqual(['id', 'member_id', 'label']);
  });

  it('reads enums under their database names with their database values', () => {
    const schema = readPrismaSchema(schemaFile);
    expect(Object.fromEntries(schema.enums)).toEqual({ member_role: ['MEMBER', 'admin'], Plan: ['FREE', 'PRO'] });
  });

  it('reads @id, @unique and @@unique as unique column sets, in column names', () => {
    const schema = readPrismaSchema(schemaFile);
    expect(schema.uniques).toEqual([
      { table: 'members', columns: ['id'], label: 'Member.id @id' },
      { table: 'members', columns: ['email'], label: 'Member.email @unique' },
      { table: 'Desk', columns: ['id'], label: 'Desk.id @id' },
      { table: 'Desk', columns: ['member_id', 'label'], label: 'Desk @@unique([memberId, label])' },
    ]);
  });
});

describe(`findSchemaDrift (${db.kind})`, () => {
  it('reports nothing when the migrations create everything the schema declares', async () => {
    await migrateWith(COMPLETE);
    expect(await findSchemaDrift(schemaFile, session)).toEqual([]);
  });

  it('reports a missing column, a missing enum value and a missing unique index', async () => {
    await migrateWith(
      [PARTS.enumRoleWithoutAdmin, PARTS.enumPlan, PARTS.members(false), PARTS.desk, PARTS.deskUnique].join('\n'),
    );
    expect((await findSchemaDrift(schemaFile, session)).sort()).toEqual(
      [
        'model Member: column "members"."full_name" does not exist',
        'enum member_role lacks value admin',
        'Member.email @unique: no unique index on "members"(email)',
      ].sort(),
    );
  });

  it('reports a missing table with its unique indexes, and a missing enum', async () => {
    await migrateWith([PARTS.enumRole, PARTS.members(true, 'TEXT'), PARTS.emailUnique].join('\n'));
    expect((await findSchemaDrift(schemaFile, session)).sort()).toEqual(
      [
        'model Desk: table "Desk" does not exist',
        'enum Plan does not exist',
        'Desk.id @id: no unique index on "Desk"(id)',
        'Desk @@unique([memberId, label]): no unique index on "Desk"(member_id, label)',
      ].sort(),
    );
  });

  it('does not accept an ordinary index for a declared @@unique', async () => {
    await migrateWith(
      COMPLETE.replace('CREATE UNIQUE INDEX "Desk_member_id_label_key"', 'CREATE INDEX "Desk_member_id_label_idx"'),
    );
    expect(await findSchemaDrift(schemaFile, session)).toEqual([
      'Desk @@unique([memberId, label]): no unique index on "Desk"(member_id, label)',
    ]);
  });

  it('does not accept a unique index whose columns are in another order', async () => {
    await migrateWith(COMPLETE.replace('ON "Desk"("member_id", "label")', 'ON "Desk"("label", "member_id")'));
    expect(await findSchemaDrift(schemaFile, session)).toEqual([
      'Desk @@unique([memberId, label]): no unique index on "Desk"(member_id, label)',
    ]);
  });
});
