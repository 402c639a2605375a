import { getMetadataStorage } from 'class-validator';
import { readFileSync } from 'node:fs';

/** Variables a config class declares that `.env.example` does not mention (keeps the file true). */
export function undocumentedVariables(schema: new () => object, envExampleFile: string): string[] {
  const text = readFileSync(envExampleFile, 'utf8');
  const documented = new Set([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
  const declared = new Set([
    ...Object.keys(new schema()),
    ...getMetadataStorage()
      .getTargetValidationMetadatas(schema, '', true, false)
      .map((m) => m.propertyName),
  ]);
  return [...declared].filter((name) => !documented.has(name)).sort();
}
