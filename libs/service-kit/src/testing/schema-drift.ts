import { readFileSync } from 'node:fs';
import type { SqlSession } from '../database/sql-session.js';

/** What schema.prisma declares, as the database must have it (names after @map/@@map). */
export interface DeclaredSchema {
  tables: Map<string, { model: string; columns: Map<string, string> }>;
  enums: Map<string, string[]>;
  uniques: { table: string; columns: string[]; label: string }[];
}

/**
 * A deliberately small reader of Prisma schema syntax, enough for our schemas: models with
 * scalar fields, @map/@@map, @unique/@@unique/@id/@@id, and enums. Relation fields are skipped.
 */
export function readPrismaSchema(file: string): DeclaredSchema {
  const text = readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '');
  const enums = new Map<string, string[]>();
  const enumNames = new Set<string>();
  for (const m of text.matchAll(/enum\s+(\w+)\s*\{([^}]*)\}/g)) enumNames.add(m[1]!);
  for (const m of text.matchAll(/enum\s+(\w+)\s*\{([^}]*)\}/g)) {
    const body = m[2]!;
    const dbName = body.match(/@@map\("([^"]+)"\)/)?.[1] ?? m[1]!;
    const values = body
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('@@'))
      .map((l) => l.match(/@map\("([^"]+)"\)/)?.[1] ?? l.split(/\s+/)[0]!);
    enums.set(dbName, values);
  }
  const modelNames = new Set([...text.matchAll(/model\s+(\w+)\s*\{/g)].map((m) => m[1]!));
  const tables: DeclaredSchema['tables'] = new Map();
  const uniques: DeclaredSchema['uniques'] = [];
  for (const m of text.matchAll(/model\s+(\w+)\s*\{([^}]*)\}/g)) {
    const model = m[1]!;
    const body = m[2]!;
    const table = body.match(/@@map\("([^"]+)"\)/)?.[1] ?? model;
    const columns = new Map<string, string>();
    const fieldToColumn = new Map<string, string>();
    for (const raw of body.split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('@@')) continue;
      const [field, type] = line.split(/\s+/);
      if (!field || !type) continue;
      const baseType = type.replace(/[?[\]]/g, '');
      if (modelNames.has(baseType)) continue; // relation field: no column
      const column = line.match(/@map\("([^"]+)"\)/)?.[1] ?? field;
      columns.set(column, baseType);
      fieldToColumn.set(field, column);
      if (/@unique\b/.test(line) || /@id\b/.test(line)) {
        uniques.push({ table, columns: [column], label: `${model}.${field} @${/@id\b/.test(line) ? 'id' : 'unique'}` });
      }
    }
    for (const u of body.matchAll(/@@(unique|id)\(\s*(?:fields:\s*)?\[([^\]]+)\]/g)) {
      const fields = u[2]!.split(',').map((f) => f.trim().replace(/\(.*\)$/, ''));
      uniques.push({
        table,
        columns: fields.map((f) => fieldToColumn.get(f) ?? f),
        label: `${model} @@${u[1]}([${fields.join(', ')}])`,
      });
    }
    tables.set(table, { model, columns });
  }
  void enumNames;
  return { tables, enums, uniques };
}

/** Everything schema.prisma declares that the migrated database lacks; empty means they agree. */
export async function findSchemaDrift(schemaFile: string, session: SqlSession): Promise<string[]> {
  const declared = readPrismaSchema(schemaFile);
  const problems: string[] = [];
  const columns = await session.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'`,
  );
  const present = new Set(columns.map((c) => `${c.table_name}.${c.column_name}`));
  const tables = new Set(columns.map((c) => c.table_name));
  for (const [table, { model, columns: cols }] of declared.tables) {
    if (!tables.has(table)) {
      problems.push(`model ${model}: table "${table}" does not exist`);
      continue;
    }
    for (const column of cols.keys()) {
      if (!present.has(`${table}.${column}`))
        problems.push(`model ${model}: column "${table}"."${column}" does not exist`);
    }
  }
  const enumRows = await session.query<{ typname: string; enumlabel: string }>(
    `SELECT t.typname, e.enumlabel FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid`,
  );
  for (const [name, values] of declared.enums) {
    const actual = enumRows.filter((r) => r.typname === name).map((r) => r.enumlabel);
    if (actual.length === 0) problems.push(`enum ${name} does not exist`);
    for (const v of values) if (actual.length && !actual.includes(v)) problems.push(`enum ${name} lacks value ${v}`);
  }
  const indexRows = await session.query<{ table_name: string; columns: string[] | string }>(
    `SELECT t.relname AS table_name,
            array_agg(a.attname ORDER BY array_position(i.indkey::int2[], a.attnum)) AS columns
       FROM pg_index i
       JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(i.indkey)
      WHERE i.indisunique
      GROUP BY i.indexrelid, t.relname`,
  );
  const uniqueSets = new Set(
    indexRows.map(
      (r) =>
        `${r.table_name}:${(Array.isArray(r.columns) ? r.columns : String(r.columns).replace(/[{}]/g, '').split(',')).join(',')}`,
    ),
  );
  for (const u of declared.uniques) {
    if (!uniqueSets.has(`${u.table}:${u.columns.join(',')}`)) {
      problems.push(`${u.label}: no unique index on "${u.table}"(${u.columns.join(', ')})`);
    }
  }
  return problems;
}
